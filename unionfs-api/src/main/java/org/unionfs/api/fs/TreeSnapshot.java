package org.unionfs.api.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Everything observable about a tree, entry by entry, for comparing two trees exactly (a copy with its
 * source, a driver's view with a reference directory). Inode numbers, devices and change times are left
 * out; hard links are recorded as the first path (in sorted order) of each inode group.
 *
 * @param entries by relative path ("" for the root), in sorted order
 */
public record TreeSnapshot(Map<String, Entry> entries) {

  /**
   * One entry.
   *
   * @param mode type and permission bits
   * @param size the size of a regular file or symlink, 0 otherwise
   * @param linkTarget the target of a symlink, "" otherwise
   * @param sha256 the content digest of a regular file, "" otherwise
   * @param xattrs every extended attribute, values in hex, sorted by name
   * @param hardlinkOf the first path of the same inode, "" if it is the first or has one link
   * @param mtimeNsec modification time in nanoseconds since the epoch
   * @param atimeNsec access time in nanoseconds (see {@link #withoutAtimes})
   */
  public record Entry(int mode, int uid, int gid, long rdev, long size, String linkTarget, String sha256,
      Map<String, String> xattrs, String hardlinkOf, long mtimeNsec, long atimeNsec) {}

  public TreeSnapshot {
    entries = java.util.Collections.unmodifiableMap(new TreeMap<>(entries));
  }

  /** Describes {@code root} and everything below it, never following symlinks. */
  public static TreeSnapshot of(Path root) throws IOException {
    Map<String, Entry> out = new TreeMap<>();
    Map<List<Long>, String> firstOfInode = new HashMap<>();
    walk(root, "", out, firstOfInode);
    return new TreeSnapshot(out);
  }

  private static void walk(Path path, String rel, Map<String, Entry> out,
      Map<List<Long>, String> firstOfInode) throws IOException {
    Posix posix = Posix.get();
    FileStat st = posix.lstat(path);
    String hardlinkOf = "";
    if (!st.isDirectory() && st.nlink() > 1) {
      String first = firstOfInode.putIfAbsent(List.of(st.dev(), st.ino()), rel);
      hardlinkOf = first == null ? "" : first;
    }
    Map<String, String> xattrs = new TreeMap<>();
    for (String name : posix.listXattrs(path)) {
      posix.getXattr(path, name).ifPresent(v -> xattrs.put(name, HexFormat.of().formatHex(v)));
    }
    String target = st.isSymbolicLink() ? Files.readSymbolicLink(path).toString() : "";
    String digest = st.isRegularFile() ? sha256(path) : "";
    long size = st.isRegularFile() || st.isSymbolicLink() ? st.size() : 0;
    long rdev = st.isCharDevice() || st.isBlockDevice() ? st.rdev() : 0;
    out.put(rel, new Entry(st.mode(), st.uid(), st.gid(), rdev, size, target, digest, xattrs,
        hardlinkOf, st.mtimeSec() * 1_000_000_000L + st.mtimeNsec(),
        st.atimeSec() * 1_000_000_000L + st.atimeNsec()));
    if (st.isDirectory()) {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        ds.forEach(children::add);
      }
      children.sort(java.util.Comparator.comparing(p -> p.getFileName().toString()));
      for (Path child : children) {
        String name = child.getFileName().toString();
        walk(child, rel.isEmpty() ? name : rel + "/" + name, out, firstOfInode);
      }
    }
  }

  /** Hashes through O_NOATIME where permitted, so that describing a tree does not move its atimes. */
  private static String sha256(Path file) throws IOException {
    FsNative nat = FsNative.get();
    int fd = nat.openForRead(file);
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      long off = 0;
      while (true) {
        long n = nat.libc.pread(fd, buf, buf.length, off);
        nat.check(n, "pread", file);
        if (n == 0) {
          break;
        }
        md.update(buf, 0, (int) n);
        off += n;
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } finally {
      nat.close(fd);
    }
  }

  /** The same snapshot with every access time zeroed (reading a tree may move them). */
  public TreeSnapshot withoutAtimes() {
    Map<String, Entry> copy = new TreeMap<>();
    entries.forEach((k, e) -> copy.put(k, new Entry(e.mode(), e.uid(), e.gid(), e.rdev(), e.size(),
        e.linkTarget(), e.sha256(), e.xattrs(), e.hardlinkOf(), e.mtimeNsec(), 0)));
    return new TreeSnapshot(copy);
  }

  /** One line per path that differs ("path: expected ... but was ..."), empty when equal. */
  public List<String> differences(TreeSnapshot actual) {
    Objects.requireNonNull(actual, "actual");
    List<String> diffs = new ArrayList<>();
    TreeMap<String, Entry> all = new TreeMap<>(entries);
    actual.entries.forEach(all::putIfAbsent);
    for (String path : all.keySet()) {
      Entry want = entries.get(path);
      Entry got = actual.entries.get(path);
      if (!Objects.equals(want, got)) {
        diffs.add("/" + path + ": expected " + want + " but was " + got);
      }
    }
    return diffs;
  }
}
