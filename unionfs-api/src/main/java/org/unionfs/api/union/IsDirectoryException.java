package org.unionfs.api.union;

import java.nio.file.FileSystemException;

/** EISDIR: the operation needs a non-directory but the path names a directory (the JDK has no such type). */
public final class IsDirectoryException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  public IsDirectoryException(String file) {
    super(file, null, "is a directory");
  }
}
