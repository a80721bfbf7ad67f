package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Writes tree entries as tar members the way Go's {@code FileInfoHeader} and moby's {@code addTarFile}
 * do: type bits in the mode field, whole-second mtimes, no atime/ctime, numeric owners with empty
 * names, directories with a trailing '/', the second and later paths of a multiply-linked inode as
 * hardlinks to the first path written. Which xattrs are exported is the caller's choice.
 */
final class EntryHeaders {
  private final TarWriter tar;
  private final Posix px = Posix.get();
  private final Map<Long, Map<Long, String>> firstPathOfInode = new HashMap<>();
  private final Predicate<String> exportXattr;
  private final boolean onlyCapability;
  private final TarEntry e = new TarEntry();

  /**
   * @param exportXattr which xattr names to export
   * @param onlyCapability true when only {@code security.capability} can pass (one getxattr instead of a
   *     listxattr per entry)
   */
  EntryHeaders(TarWriter tar, Predicate<String> exportXattr, boolean onlyCapability) {
    this.tar = tar;
    this.exportXattr = exportXattr;
    this.onlyCapability = onlyCapability;
  }

  /**
   * Writes {@code path} (already lstat-ed as {@code st}) as member {@code name} (no trailing '/').
   * Sockets are skipped, as tar cannot hold them.
   *
   * @param hardlinks whether a multiply-linked inode may be written as a hardlink
   * @return false if nothing was written
   */
  boolean write(Path path, FileStat st, String name, boolean hardlinks) throws IOException {
    e.reset();
    e.name = name;
    e.uid = st.uid() & 0xffffffffL;
    e.gid = st.gid() & 0xffffffffL;
    e.mtimeSec = st.mtimeSec();
    e.mode = st.permissions();
    int typeBits = st.type();
    switch (typeBits) {
      case FileStat.S_IFDIR -> {
        e.type = TarEntry.DIR;
        e.name = name + "/";
      }
      case FileStat.S_IFREG -> {
        e.type = TarEntry.REG;
        e.size = st.size();
      }
      case FileStat.S_IFLNK -> {
        e.type = TarEntry.SYMLINK;
        e.linkName = readlink(path);
      }
      case FileStat.S_IFCHR, FileStat.S_IFBLK -> {
        e.type = typeBits == FileStat.S_IFCHR ? TarEntry.CHR : TarEntry.BLK;
        e.devMajor = st.rdevMajor();
        e.devMinor = st.rdevMinor();
      }
      case FileStat.S_IFIFO -> e.type = TarEntry.FIFO;
      default -> {
        return false; // sockets
      }
    }
    if (hardlinks && typeBits != FileStat.S_IFDIR && st.nlink() > 1) {
      String first = firstPathOfInode.computeIfAbsent(st.dev(), d -> new HashMap<>())
          .putIfAbsent(st.ino(), name);
      if (first != null) {
        e.type = TarEntry.LINK;
        e.linkName = first;
        e.size = 0;
      }
    }
    readXattrs(path);
    tar.writeHeader(e, typeBits | e.mode);
    if (e.type == TarEntry.REG && e.size > 0) {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        tar.writeData(ch, e.size, path.toString());
      }
    }
    return true;
  }

  /** Writes a whiteout member {@code name} (".wh." included) with the given fields. */
  void whiteout(String name, int mode, long uid, long gid, long mtime) throws IOException {
    e.reset();
    e.name = name;
    e.type = TarEntry.REG;
    e.mode = mode;
    e.uid = uid;
    e.gid = gid;
    e.mtimeSec = mtime;
    tar.writeHeader(e, mode);
  }

  private void readXattrs(Path path) throws IOException {
    if (onlyCapability) {
      px.getXattr(path, "security.capability").ifPresent(v -> e.xattrs.put("security.capability", v));
      return;
    }
    List<String> names = px.listXattrs(path);
    if (names.isEmpty()) {
      return;
    }
    names = new java.util.ArrayList<>(names);
    names.sort(null);
    for (String n : names) {
      if (exportXattr.test(n)) {
        byte[] v = px.getXattr(path, n).orElse(null);
        if (v != null) {
          e.xattrs.put(n, v);
        }
      }
    }
  }

  private static String readlink(Path p) throws IOException {
    return Files.readSymbolicLink(p).toString();
  }
}
