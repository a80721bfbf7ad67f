package org.unionfs.fuse.binding;

/** The open-file record the kernel passes with a file operation ({@code struct fuse_file_info}). */
public interface FileInfo {
  /** open(2) flags of this open (access mode in the low bits). */
  int flags();

  /** The handle the filesystem stored at open/create/opendir. */
  long fh();

  /** Stores the handle returned to later operations on this open. */
  void fh(long handle);

  /** Keep the page cache of the file from an earlier open (no invalidation at this open). */
  void keepCache(boolean keep);

  /** Bypass the page cache for this open. */
  void directIo(boolean direct);
}
