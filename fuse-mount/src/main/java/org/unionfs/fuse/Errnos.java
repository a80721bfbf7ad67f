package org.unionfs.fuse;

import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.union.IsDirectoryException;

/**
 * The one table from a thrown exception to the errno a FUSE callback answers.
 *
 * <p>Two kinds of exceptions carry their errno and are answered exactly: {@link FuseErrnoException}
 * (detected by the adapter: ERANGE, EBADF, ENAMETOOLONG, ...) and {@link PosixException} (a system call
 * of a branch failed, or the union engine answers an exact errno: ENODATA for a missing xattr, EPERM,
 * ENAMETOOLONG, ENOSPC, ELOOP, EMLINK reach the caller unchanged). Every other exception is matched against {@link #rows()}, most
 * specific first; the first row whose type the exception is an instance of wins. Anything that matches
 * no row is answered with EIO and logged, because it is a bug or an unexpected I/O failure.
 *
 * <p>Order matters in one place: {@link ReadOnlyFileSystemException} extends
 * {@link UnsupportedOperationException} and must come before the ENOTSUP row.
 */
public final class Errnos {
  private static final Logger LOG = LoggerFactory.getLogger(Errnos.class);

  /** One row of the table: instances of {@code type} answer {@code errno}. */
  public record Row(Class<? extends Throwable> type, Errno errno) {}

  private static final List<Row> ROWS = List.of(
      new Row(NoSuchFileException.class, Errno.ENOENT),
      new Row(LayerNotFoundException.class, Errno.ENOENT),
      new Row(FileAlreadyExistsException.class, Errno.EEXIST),
      new Row(LayerExistsException.class, Errno.EEXIST),
      new Row(DirectoryNotEmptyException.class, Errno.ENOTEMPTY),
      new Row(NotDirectoryException.class, Errno.ENOTDIR),
      new Row(IsDirectoryException.class, Errno.EISDIR),
      new Row(NotLinkException.class, Errno.EINVAL),
      new Row(AccessDeniedException.class, Errno.EACCES),
      new Row(ReadOnlyFileSystemException.class, Errno.EROFS),
      new Row(LayerInUseException.class, Errno.EBUSY),
      new Row(AtomicMoveNotSupportedException.class, Errno.EXDEV),
      new Row(ClosedChannelException.class, Errno.EBADF),
      new Row(FileSystemLoopException.class, Errno.ELOOP),
      new Row(InvalidArgumentException.class, Errno.EINVAL),
      new Row(NotSupportedException.class, Errno.ENOTSUP),
      new Row(UnsupportedOperationException.class, Errno.ENOTSUP));

  private Errnos() {}

  /** The rows, in the order they are matched. */
  public static List<Row> rows() {
    return ROWS;
  }

  /**
   * The positive errno for {@code t}, without logging; {@link Errno#EIO} for anything unknown.
   *
   * @param t what an operation threw
   */
  public static int toErrno(Throwable t) {
    if (t instanceof FuseErrnoException f) {
      return f.errno().value();
    }
    if (t instanceof PosixException p && p.errno() > 0) {
      return p.errno();
    }
    for (Row row : ROWS) {
      if (row.type().isInstance(t)) {
        return row.errno().value();
      }
    }
    return Errno.EIO.value();
  }

  /** Whether {@code t} is matched by the table (false: it becomes EIO and is logged). */
  public static boolean isKnown(Throwable t) {
    if (t instanceof FuseErrnoException || t instanceof PosixException p && p.errno() > 0) {
      return true;
    }
    return ROWS.stream().anyMatch(r -> r.type().isInstance(t));
  }

  /**
   * The value a callback returns for {@code t} thrown by operation {@code op} on {@code path}: the
   * negated errno. An unknown exception is logged (class and message at warn, the stack at debug).
   */
  public static int answer(String op, String path, Throwable t) {
    if (!isKnown(t)) {
      LOG.warn("{} {}: EIO for {}: {}", op, path, t.getClass().getName(), t.getMessage());
      LOG.debug("{} {}: stack", op, path, t);
      return Errno.EIO.negative();
    }
    return -toErrno(t);
  }
}
