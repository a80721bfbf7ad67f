package org.unionfs.nio;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.Set;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.union.UnionStat;

/**
 * The attributes of one entry, read once ({@code stat} of the union). {@link #creationTime()} is the
 * modification time, as the default provider reports it on Linux; {@link #fileKey()} is the union
 * inode with the file system's device number.
 */
final class UnionFileAttributes implements PosixFileAttributes {
  private final UnionStat st;
  private final UnionNioFileSystem fs;

  UnionFileAttributes(UnionStat st, UnionNioFileSystem fs) {
    this.st = st;
    this.fs = fs;
  }

  UnionStat stat() {
    return st;
  }

  static FileTime time(long sec, long nsec) {
    return FileTime.from(Instant.ofEpochSecond(sec, nsec));
  }

  @Override
  public FileTime lastModifiedTime() {
    return time(st.mtimeSec(), st.mtimeNsec());
  }

  @Override
  public FileTime lastAccessTime() {
    return time(st.atimeSec(), st.atimeNsec());
  }

  @Override
  public FileTime creationTime() {
    return lastModifiedTime();
  }

  /** The status change time ({@code unix:ctime}). */
  FileTime changeTime() {
    return time(st.ctimeSec(), st.ctimeNsec());
  }

  @Override
  public boolean isRegularFile() {
    return st.isRegularFile();
  }

  @Override
  public boolean isDirectory() {
    return st.isDirectory();
  }

  @Override
  public boolean isSymbolicLink() {
    return st.isSymbolicLink();
  }

  @Override
  public boolean isOther() {
    return !isRegularFile() && !isDirectory() && !isSymbolicLink();
  }

  @Override
  public long size() {
    return st.size();
  }

  @Override
  public Object fileKey() {
    return new FileKey(fs.deviceId(), st.ino());
  }

  @Override
  public UserPrincipal owner() {
    return fs.principals().user(st.uid());
  }

  @Override
  public GroupPrincipal group() {
    return fs.principals().group(st.gid());
  }

  @Override
  public Set<PosixFilePermission> permissions() {
    return CreateAttrs.Perms.fromMode(st.mode() & 0777);
  }

  /** The {@code unix} view's value of {@code name}, or null if it has none of that name. */
  Object unix(String name) {
    return switch (name) {
      case "mode" -> st.mode();
      case "ino" -> st.ino();
      case "dev" -> fs.deviceId();
      case "rdev" -> st.rdev();
      case "nlink" -> (int) st.nlink();
      case "uid" -> st.uid();
      case "gid" -> st.gid();
      case "ctime" -> changeTime();
      default -> null;
    };
  }

  /** Identity of an entry: the union's device number and inode, as the default provider's key. */
  record FileKey(long dev, long ino) {
    @Override
    public String toString() {
      return "(dev=" + Long.toHexString(dev) + ",ino=" + ino + ")";
    }
  }

  /** Whether {@code st} is a fifo, socket or device. */
  static boolean isNode(UnionStat st) {
    int t = st.type();
    return t == FileStat.S_IFIFO || t == FileStat.S_IFSOCK || t == FileStat.S_IFCHR || t == FileStat.S_IFBLK;
  }
}
