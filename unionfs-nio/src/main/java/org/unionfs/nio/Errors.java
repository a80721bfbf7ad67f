package org.unionfs.nio;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;
import org.unionfs.api.union.IsDirectoryException;

/**
 * Re-addresses the engine's exceptions to the path the caller gave (the engine names the resolved union
 * path) and gives them the types the default provider throws on Linux, so that a program sees the same
 * exceptions on a union as on a plain directory.
 */
final class Errors {
  private Errors() {}

  /** The exception for {@code e} naming {@code file} (and {@code other}, may be null). */
  static IOException on(IOException e, Object file, Object other) {
    String f = file == null ? null : file.toString();
    String o = other == null ? null : other.toString();
    String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    IOException out;
    if (e instanceof NoSuchFileException) {
      out = new NoSuchFileException(f, o, reason);
    } else if (e instanceof FileAlreadyExistsException) {
      out = new FileAlreadyExistsException(f, o, reason);
    } else if (e instanceof DirectoryNotEmptyException) {
      out = new DirectoryNotEmptyException(f);
    } else if (e instanceof NotDirectoryException) {
      // the default provider reports ENOTDIR as a plain FileSystemException, except when listing
      out = new FileSystemException(f, o, "Not a directory");
    } else if (e instanceof IsDirectoryException) {
      out = new IsDirectoryException(f);
    } else if (e instanceof AccessDeniedException) {
      out = new AccessDeniedException(f, o, reason);
    } else if (e instanceof NotLinkException) {
      out = new NotLinkException(f, o, reason);
    } else {
      // PosixException keeps its errno and the engine's path; the rest is not the engine's to name
      return e;
    }
    out.initCause(e);
    return out;
  }

  /** The write refused by a read-only union, as {@link #on} would name it. */
  static AccessDeniedException readOnly(Object file) {
    return new AccessDeniedException(file.toString(), null, "read-only union file system");
  }

  /** Unchecked EROFS, as the engine throws it. */
  static ReadOnlyFileSystemException readOnly() {
    return new ReadOnlyFileSystemException();
  }

  /** ELOOP, in the words of the default provider. */
  static FileSystemException loop(Object file) {
    return new FileSystemException(file.toString(), null,
        "Too many levels of symbolic links or unable to access attributes of symbolic link");
  }

  /**
   * What the default provider throws when NOFOLLOW_LINKS meets a symlink it must open: a plain
   * {@link IOException}.
   */
  static IOException noFollow(Object file) {
    return new IOException(file + ": Too many levels of symbolic links (NOFOLLOW_LINKS specified)");
  }
}
