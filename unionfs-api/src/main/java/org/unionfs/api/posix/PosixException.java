package org.unionfs.api.posix;

import java.nio.file.FileSystemException;

/** A system call failed with an errno that has no more specific {@code java.nio.file} exception. */
public final class PosixException extends FileSystemException {
  private static final long serialVersionUID = 1L;
  private final int errno;

  public PosixException(String file, String other, String op, int errno, String message) {
    super(file, other, op + ": " + message + " (errno " + errno + ")");
    this.errno = errno;
  }

  /** The errno the call returned. */
  public int errno() {
    return errno;
  }
}
