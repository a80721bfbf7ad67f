package org.unionfs.api.union;

/** Receives directory entries from {@link UnionFileSystem#readdir}, like FUSE's {@code fuse_fill_dir_t}. */
@FunctionalInterface
public interface DirFiller {
  /**
   * Takes one entry.
   *
   * @param nextOffset the offset to pass to {@code readdir} to continue after this entry
   * @return false if the caller's buffer is full: {@code readdir} stops and this entry is not consumed
   */
  boolean accept(DirEntry entry, long nextOffset);
}
