package org.unionfs.fuse;

import java.nio.file.FileSystemException;
import java.util.Objects;

/**
 * A failure the adapter itself detects and that has an exact errno but no {@code java.nio.file} type:
 * a buffer too small for an xattr value ({@link Errno#ERANGE}), an unknown file handle
 * ({@link Errno#EBADF}), an unsupported rename flag ({@link Errno#EINVAL}).
 */
public final class FuseErrnoException extends FileSystemException {
  private static final long serialVersionUID = 1L;
  private final Errno errno;

  /**
   * @param errno the error to answer
   * @param path the path or handle the operation was about (may be null)
   * @param reason what failed
   */
  public FuseErrnoException(Errno errno, String path, String reason) {
    super(path, null, reason);
    this.errno = Objects.requireNonNull(errno, "errno");
  }

  /** The errno the kernel gets. */
  public Errno errno() {
    return errno;
  }
}
