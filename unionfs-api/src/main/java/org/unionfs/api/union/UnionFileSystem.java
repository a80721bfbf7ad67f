package org.unionfs.api.union;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.unionfs.api.posix.StatFs;

/**
 * A union of directory branches (aufs semantics), operated on by path like FUSE's high-level API. Paths are
 * absolute within the union, {@code "/"} or {@code "/a/b"}, without {@code .}/{@code ..} components or
 * trailing slashes; a bad path throws {@link IllegalArgumentException}.
 *
 * <p><b>Errors</b> are the {@code java.nio.file} exceptions with the union path, so that a FUSE adapter can map
 * them to errno in one table: {@link java.nio.file.NoSuchFileException} (ENOENT),
 * {@link java.nio.file.FileAlreadyExistsException} (EEXIST), {@link java.nio.file.DirectoryNotEmptyException}
 * (ENOTEMPTY), {@link java.nio.file.NotDirectoryException} (ENOTDIR), {@link IsDirectoryException} (EISDIR),
 * {@link java.nio.file.AccessDeniedException} (EACCES/EPERM), {@link java.nio.file.ReadOnlyFileSystemException}
 * (EROFS, unchecked: no read-write branch), {@link java.nio.file.AtomicMoveNotSupportedException} (EXDEV),
 * {@link java.nio.file.NotLinkException} (EINVAL from readlink), {@link java.nio.channels.ClosedChannelException}
 * (EBADF: unknown or released handle) and {@link org.unionfs.api.posix.PosixException} carrying the errno for
 * everything else (EINVAL, ENODATA for a missing xattr, EPERM for the union's reserved names, ENAMETOOLONG, ...).
 * Misuse (null, bad path, bad flags) is unchecked; calls after {@link #close()} throw
 * {@link IllegalStateException}.
 *
 * <p><b>Permissions</b> are not checked by the union (FUSE's {@code default_permissions} lets the kernel do
 * it); the process needs the rights on the branches.
 *
 * <p>Thread-safe: every method may be called from many threads at once.
 */
public interface UnionFileSystem extends Closeable {
  // open(2) flags, Linux values
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_RDWR = 2;
  int O_ACCMODE = 3;
  int O_CREAT = 0100;
  int O_EXCL = 0200;
  int O_TRUNC = 01000;
  int O_APPEND = 02000;

  /** {@code rename} flag: fail with EEXIST if the target exists. */
  int RENAME_NOREPLACE = 1;
  /** {@code rename} flag: swap the two entries. Not supported: answered with EINVAL. */
  int RENAME_EXCHANGE = 2;

  /** {@code setxattr} flag: fail with EEXIST if the attribute exists. */
  int XATTR_CREATE = 1;
  /** {@code setxattr} flag: fail with ENODATA if the attribute does not exist. */
  int XATTR_REPLACE = 2;

  /** {@code utimens} nanoseconds: set this time to the current time. */
  long UTIME_NOW = (1L << 30) - 1;
  /** {@code utimens} nanoseconds: leave this time as it is. */
  long UTIME_OMIT = (1L << 30) - 2;

  /** {@code access} mode bits. */
  int F_OK = 0;
  int X_OK = 1;
  int W_OK = 2;
  int R_OK = 4;

  /**
   * Opens the union described by {@code config}. The branches must exist ({@link java.nio.file.NoSuchFileException}
   * / {@link java.nio.file.NotDirectoryException} naming the branch otherwise). The read-write branch is locked
   * until {@link #close()}: a second union on it, in any process, fails with a
   * {@link java.nio.file.FileSystemException} whose reason says "in use".
   */
  static UnionFileSystem open(UnionConfig config) throws IOException {
    return new UnionEngine(java.util.Objects.requireNonNull(config, "config"));
  }

  // ---- attributes ----

  /** {@code lstat}: the entry itself, never a symlink's target. */
  UnionStat getattr(String path) throws IOException;

  /**
   * The union paths this union has looked up that name inode {@code ino} (its number in {@link UnionStat}):
   * the names of a hard-linked file that a caller may hold cached attributes for. Empty by default.
   */
  default java.util.List<String> knownNames(long ino) {
    return java.util.List.of();
  }

  /** {@code fstat} of an open file, also after the file was unlinked or renamed. */
  UnionStat fgetattr(long handle) throws IOException;

  /**
   * {@link #getattr}, but null where the path does not exist (ENOENT) instead of an exception: lookups of
   * names about to be created are frequent and an exception costs more than the lookup.
   *
   * @throws IOException as {@link #getattr} for anything but absence (ENOTDIR, a bad path, I/O)
   */
  default UnionStat getattrIfExists(String path) throws IOException {
    try {
      return getattr(path);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  /**
   * {@code access(2)} with {@code mode} of {@code F_OK|R_OK|W_OK|X_OK}: existence, and EROFS for {@code W_OK}
   * on a read-only union. Permission bits are checked for the caller {@code caller} (root passes all but
   * {@code X_OK} without any x bit), throwing {@link java.nio.file.AccessDeniedException}.
   */
  void access(String path, int mode, Caller caller) throws IOException;

  /** {@code statfs} of the read-write branch (of the top branch in a read-only union). */
  StatFs statfs(String path) throws IOException;

  // ---- directories ----

  /**
   * Opens a directory for reading: the merged listing is taken now, and stays the same for this handle
   * (offsets are positions in it), whatever happens to the directory afterwards.
   */
  long opendir(String path) throws IOException;

  /**
   * Passes the entries of an open directory from {@code offset} (0 = the start; else a {@code nextOffset} seen
   * before) to {@code filler} until it returns false or the listing ends. The listing starts with {@code .} and
   * {@code ..}.
   */
  void readdir(long dirHandle, long offset, DirFiller filler) throws IOException;

  /** Closes a directory handle. */
  void releasedir(long dirHandle) throws IOException;

  /** The merged listing of a directory, without {@code .} and {@code ..}. */
  List<DirEntry> list(String path) throws IOException;

  /** {@code mkdir} with {@code mode} (permission bits) for {@code caller}. */
  void mkdir(String path, int mode, Caller caller) throws IOException;

  /** {@code rmdir}: the directory must be empty in the merged view. */
  void rmdir(String path) throws IOException;

  // ---- files ----

  /**
   * Opens a file. {@code flags} are {@code open(2)} flags ({@code O_ACCMODE} bits, {@code O_TRUNC},
   * {@code O_APPEND}; {@code O_CREAT}/{@code O_EXCL} create as {@link #create}, with mode 0644 and the process
   * as owner). Opening for writing copies a lower file up first. Returns a handle for the other calls.
   */
  long open(String path, int flags) throws IOException;

  /** Creates and opens a regular file ({@code open} with {@code O_CREAT}); EEXIST only with {@code O_EXCL}. */
  long create(String path, int mode, int flags, Caller caller) throws IOException;

  /** Reads into {@code dst} from {@code offset} until {@code dst} is full or the file ends; returns the count. */
  int read(long handle, ByteBuffer dst, long offset) throws IOException;

  /**
   * Writes all of {@code src} at {@code offset} (at the end of the file if opened with {@code O_APPEND});
   * returns the count.
   */
  int write(long handle, ByteBuffer src, long offset) throws IOException;

  /** {@code close(2)} of one descriptor of the handle (FUSE flush); nothing buffered here, so it checks only. */
  void flush(long handle) throws IOException;

  /** {@code fsync}/{@code fdatasync}. */
  void fsync(long handle, boolean dataOnly) throws IOException;

  /** Drops the handle (the last close). */
  void release(long handle) throws IOException;

  /** {@code truncate} by path (copies a lower file up). */
  void truncate(String path, long size) throws IOException;

  /** {@code ftruncate} of an open file (opened for writing). */
  void ftruncate(long handle, long size) throws IOException;

  /**
   * {@code mknod}: a fifo, socket, regular file or (with root powers) device node; {@code mode} includes the
   * {@code S_IF*} type.
   */
  void mknod(String path, int mode, long rdev, Caller caller) throws IOException;

  /** {@code unlink} of a non-directory (EISDIR for a directory). */
  void unlink(String path) throws IOException;

  /** {@code renameat2} with {@code 0}, {@link #RENAME_NOREPLACE} or {@link #RENAME_EXCHANGE} (EINVAL). */
  void rename(String from, String to, int flags) throws IOException;

  /** {@code symlink}: creates {@code linkPath} pointing to {@code target} (stored as given). */
  void symlink(String target, String linkPath, Caller caller) throws IOException;

  /** {@code readlink}: the target of a symlink. */
  String readlink(String path) throws IOException;

  /** {@code link}: a hard link {@code newPath} to {@code existing} (a lower file is copied up first). */
  void link(String existing, String newPath) throws IOException;

  // ---- metadata ----

  /** {@code chmod}: permission bits 07777. */
  void chmod(String path, int mode) throws IOException;

  /** {@code lchown}; -1 leaves that id unchanged. */
  void chown(String path, int uid, int gid) throws IOException;

  /**
   * {@code utimensat} on the entry itself; nanoseconds may be {@link #UTIME_NOW} or {@link #UTIME_OMIT}.
   */
  void utimens(String path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) throws IOException;

  /** The value of an xattr (any namespace but the union's own); ENODATA if absent. */
  byte[] getxattr(String path, String name) throws IOException;

  /**
   * {@link #getxattr}, but null where the entry has no such xattr (ENODATA) instead of an exception: the
   * kernel asks for {@code security.capability} before every write.
   */
  default byte[] getxattrIfPresent(String path, String name) throws IOException {
    try {
      return getxattr(path, name);
    } catch (org.unionfs.api.posix.PosixException e) {
      if (e.errno() == org.unionfs.api.posix.Posix.ENODATA) {
        return null;
      }
      throw e;
    }
  }

  /** Sets an xattr; {@code flags} 0, {@link #XATTR_CREATE} or {@link #XATTR_REPLACE}. */
  void setxattr(String path, String name, byte[] value, int flags) throws IOException;

  /** The names of the entry's xattrs, without the union's own ({@code trusted.overlay.*}, ...). */
  List<String> listxattr(String path) throws IOException;

  /** Removes an xattr; ENODATA if absent. */
  void removexattr(String path, String name) throws IOException;

  /** Releases every handle and the union's bookkeeping; idempotent. */
  @Override
  void close() throws IOException;
}
