package org.unionfs.api.posix;

/**
 * The result of {@code lstat(2)}: everything a layer comparison or copy needs, in one native call.
 *
 * @param mode type and permission bits ({@code st_mode})
 */
public record FileStat(
    long dev, long ino, int mode, long nlink, int uid, int gid, long rdev, long size, long blocks,
    long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, long ctimeSec, long ctimeNsec) {

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  public int type() {
    return mode & S_IFMT;
  }

  /** Permission bits with setuid, setgid and sticky (07777). */
  public int permissions() {
    return mode & 07777;
  }

  public boolean isDirectory() {
    return type() == S_IFDIR;
  }

  public boolean isRegularFile() {
    return type() == S_IFREG;
  }

  public boolean isSymbolicLink() {
    return type() == S_IFLNK;
  }

  public boolean isCharDevice() {
    return type() == S_IFCHR;
  }

  public boolean isBlockDevice() {
    return type() == S_IFBLK;
  }

  public boolean isFifo() {
    return type() == S_IFIFO;
  }

  public boolean isSocket() {
    return type() == S_IFSOCK;
  }

  /** An overlayfs whiteout: a character device with device number 0/0. */
  public boolean isOverlayWhiteout() {
    return isCharDevice() && rdev == 0;
  }

  /** Linux {@code major(rdev)}. */
  public int rdevMajor() {
    return (int) (((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL));
  }

  /** Linux {@code minor(rdev)}. */
  public int rdevMinor() {
    return (int) (((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL));
  }

  /** Linux {@code makedev(major, minor)}. */
  public static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }
}
