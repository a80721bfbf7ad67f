package org.unionfs.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.unionfs.api.posix.FileStat;

/**
 * Everything a layer comparison looks at, for every entry of a directory tree: type, permission bits
 * with setuid/setgid/sticky, owner, size, content digest, device number, mtime with nanoseconds,
 * symlink target, every extended attribute, and which entries share an inode (hardlink groups).
 *
 * <p>Paths are absolute-style ("/", "/etc/hosts"). Nothing is followed: symlinks are recorded as
 * links. A root-level {@code lost+found} is left out, as moby graphtest's {@code readDir} does, because
 * ext4 puts one at the root of every filesystem a driver might hand out.
 *
 * @param entries every entry by path, root included, in path order
 */
public record TreeManifest(SortedMap<String, Entry> entries) {

  /**
   * One entry.
   *
   * @param type the {@code S_IFMT} bits
   * @param permissions {@code mode & 07777}
   * @param size bytes for regular files and symlinks; 0 for directories (their size is fs-specific)
   * @param digest SHA-256 of the content of a regular file, else null
   * @param target symlink target, else null
   * @param xattrs every extended attribute, value rendered by {@link #render(byte[])}
   * @param inode identity of the inode ("dev:ino", or any key that groups hardlinks)
   */
  public record Entry(String path, int type, int permissions, int uid, int gid, long size,
      long rdev, long mtimeSec, long mtimeNsec, String digest, String target,
      SortedMap<String, String> xattrs, String inode) {

    public Entry {
      Objects.requireNonNull(path, "path");
      xattrs = Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
    }

    public boolean isDirectory() {
      return type == FileStat.S_IFDIR;
    }

    public boolean isRegularFile() {
      return type == FileStat.S_IFREG;
    }

    /** This entry with another mtime. */
    public Entry withMtime(long sec, long nsec) {
      return new Entry(path, type, permissions, uid, gid, size, rdev, sec, nsec, digest, target,
          xattrs, inode);
    }

    /** This entry with another inode key (to model which paths share an inode). */
    public Entry withInode(String newInode) {
      return new Entry(path, type, permissions, uid, gid, size, rdev, mtimeSec, mtimeNsec, digest,
          target, xattrs, newInode);
    }

    /** "drwx" style type letter, the octal mode and owner, for messages. */
    public String describe() {
      return typeName(type) + " " + String.format("%04o", permissions) + " " + uid + ":" + gid
          + (isRegularFile() ? " size " + size : "") + (target != null ? " -> " + target : "");
    }
  }

  public TreeManifest {
    entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }

  /** A tree with nothing in it (not even a root): what a layer without parent is compared with. */
  public static TreeManifest empty() {
    return new TreeManifest(new TreeMap<>());
  }

  /** Reads the tree under {@code root}. */
  public static TreeManifest of(Path root) throws IOException {
    SortedMap<String, Entry> entries = new TreeMap<>();
    walk(root, root, "/", entries);
    return new TreeManifest(entries);
  }

  /** The entry at {@code path}, or null. */
  public Entry get(String path) {
    return entries.get(path);
  }

  /** The paths of the direct children of directory {@code path}. */
  public List<String> children(String path) {
    String prefix = path.equals("/") ? "/" : path + "/";
    List<String> out = new ArrayList<>();
    for (String p : entries.tailMap(prefix).keySet()) {
      if (!p.startsWith(prefix)) {
        break;
      }
      if (!p.equals("/") && p.indexOf('/', prefix.length()) < 0) {
        out.add(p);
      }
    }
    return out;
  }

  /** Sets of two or more non-directory paths that share an inode, each sorted, in path order. */
  public Set<List<String>> hardlinkGroups() {
    Map<String, TreeSet<String>> byInode = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      if (!e.isDirectory() && e.inode() != null) {
        byInode.computeIfAbsent(e.inode(), k -> new TreeSet<>()).add(e.path());
      }
    }
    Set<List<String>> groups = new TreeSet<>((a, b) -> a.get(0).compareTo(b.get(0)));
    for (TreeSet<String> paths : byInode.values()) {
      if (paths.size() > 1) {
        groups.add(List.copyOf(paths));
      }
    }
    return groups;
  }

  /** One line per entry, for failure messages and debugging. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries.values()) {
      sb.append(e.path()).append("  ").append(e.describe()).append('\n');
    }
    return sb.toString();
  }

  private static void walk(Path root, Path dir, String path, SortedMap<String, Entry> out)
      throws IOException {
    Entry entry = read(dir, path);
    out.put(path, entry);
    if (!entry.isDirectory()) {
      return;
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        children.add(child);
      }
    }
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (path.equals("/") && name.equals("lost+found")) {
        continue;
      }
      walk(root, child, path.equals("/") ? "/" + name : path + "/" + name, out);
    }
  }

  private static Entry read(Path file, String path) throws IOException {
    FileStat st = PathOps.lstat(file);
    String digest = null;
    String target = null;
    long size = 0;
    if (st.isRegularFile()) {
      digest = sha256(file);
      size = st.size();
    } else if (st.isSymbolicLink()) {
      target = Files.readSymbolicLink(file).toString();
      size = st.size();
    }
    SortedMap<String, String> xattrs = new TreeMap<>();
    PathOps.xattrs(file).forEach((name, v) -> xattrs.put(name, render(v)));
    long rdev = st.isCharDevice() || st.isBlockDevice() ? st.rdev() : 0;
    return new Entry(path, st.type(), st.permissions(), st.uid(), st.gid(), size, rdev,
        st.mtimeSec(), st.mtimeNsec(), digest, target, xattrs, st.dev() + ":" + st.ino());
  }

  /** Printable ASCII as a quoted string, anything else as hex. */
  public static String render(byte[] value) {
    for (byte b : value) {
      if (b < 0x20 || b > 0x7e) {
        return "0x" + HexFormat.of().formatHex(value);
      }
    }
    return '"' + new String(value, java.nio.charset.StandardCharsets.US_ASCII) + '"';
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[65536];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static String typeName(int type) {
    return switch (type) {
      case FileStat.S_IFDIR -> "dir";
      case FileStat.S_IFREG -> "file";
      case FileStat.S_IFLNK -> "symlink";
      case FileStat.S_IFCHR -> "chardev";
      case FileStat.S_IFBLK -> "blockdev";
      case FileStat.S_IFIFO -> "fifo";
      case FileStat.S_IFSOCK -> "socket";
      default -> String.format("type%o", type);
    };
  }
}
