package org.unionfs.fuse.binding;

/** Receives directory entries during {@code readdir}. */
@FunctionalInterface
public interface DirFiller {
  /**
   * Adds one entry.
   *
   * @param name the entry's name ("." and ".." included by the filesystem)
   * @param ino its inode number as getattr reports it, or 0 if unknown
   * @param mode its type bits (S_IFDIR, ...), or 0 if unknown
   * @param nextOffset the offset readdir resumes from after this entry (&gt; 0)
   * @return false when the kernel's buffer is full: stop, the entry was not added
   */
  boolean add(String name, long ino, int mode, long nextOffset);
}
