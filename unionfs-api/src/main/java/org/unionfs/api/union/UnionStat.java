package org.unionfs.api.union;

import org.unionfs.api.posix.FileStat;

/**
 * The attributes of an entry as the union shows them ({@code struct stat}). Times are seconds plus
 * nanoseconds, as in {@code struct timespec}.
 *
 * @param ino the union's inode number: unique among the union's entries and stable for the life of the
 *     union object (a copied-up file keeps it; hard links share one)
 * @param mode type and permission bits ({@code S_IF*} | 07777)
 * @param nlink link count; for a directory 2 + its subdirectories in the merged view
 * @param rdev device number of a device node (Linux encoding, {@link FileStat#makedev})
 * @param blocks 512-byte blocks allocated
 */
public record UnionStat(
    long ino, int mode, long nlink, int uid, int gid, long rdev, long size, long blocks,
    long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, long ctimeSec, long ctimeNsec) {

  /** The {@code S_IF*} type bits. */
  public int type() {
    return mode & FileStat.S_IFMT;
  }

  public boolean isDirectory() {
    return type() == FileStat.S_IFDIR;
  }

  public boolean isRegularFile() {
    return type() == FileStat.S_IFREG;
  }

  public boolean isSymbolicLink() {
    return type() == FileStat.S_IFLNK;
  }

  /** Builds the union's view of a branch entry. */
  static UnionStat of(FileStat s, long ino, long nlink) {
    return new UnionStat(ino, s.mode(), nlink, s.uid(), s.gid(), s.rdev(), s.size(), s.blocks(),
        s.atimeSec(), s.atimeNsec(), s.mtimeSec(), s.mtimeNsec(), s.ctimeSec(), s.ctimeNsec());
  }
}
