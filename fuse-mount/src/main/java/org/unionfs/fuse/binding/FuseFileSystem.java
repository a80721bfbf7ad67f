package org.unionfs.fuse.binding;

import java.nio.ByteBuffer;
import org.unionfs.fuse.Errno;

/**
 * The operations a filesystem offers to the kernel through a {@link FuseBinding}, path based as in
 * libfuse's high-level {@code struct fuse_operations} (adapted from {@code fuse.h}).
 *
 * <p>Every operation returns 0 (or a byte count where stated) on success and a negated errno on
 * failure; it must never throw. Every default answers {@code -ENOSYS} ("not implemented"), never 0,
 * so a forgotten operation cannot lie to the kernel (jnr-fuse's {@code FuseStubFS} returns 0).
 * Paths are absolute within the mount ("/" is its root). Where the kernel passes an open file
 * ({@code fi} non-null), the path may be {@code null} (the file may have been unlinked), and the
 * implementation must work from {@link FileInfo#fh()} alone.
 *
 * <p>Implementations are called from several native threads at once and must be thread-safe.
 */
public interface FuseFileSystem {

  /** Called once before the mount, with the way to learn who made the current request. */
  default void attach(CallerContext callers) {}

  /** Called once the mount is live, with the way to drop what the kernel caches for it. */
  default void attach(KernelCache kernelCache) {}

  /** {@code getattr}/{@code fgetattr}: fill {@code out}; ENOENT if nothing is there. */
  default int getattr(String path, StatSink out, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code readlink}: the target, NUL-terminated, truncated to {@code dst}'s capacity. */
  default int readlink(String path, ByteBuffer dst) {
    return Errno.ENOSYS.negative();
  }

  /** {@code mknod}: a fifo, socket or device node; {@code mode} holds the type bits. */
  default int mknod(String path, int mode, long rdev) {
    return Errno.ENOSYS.negative();
  }

  /** {@code mkdir}: EEXIST, ENOENT (parent), ENOTDIR. */
  default int mkdir(String path, int mode) {
    return Errno.ENOSYS.negative();
  }

  /** {@code unlink}: a non-directory; EISDIR/EPERM for a directory. */
  default int unlink(String path) {
    return Errno.ENOSYS.negative();
  }

  /** {@code rmdir}: ENOTEMPTY, ENOTDIR. */
  default int rmdir(String path) {
    return Errno.ENOSYS.negative();
  }

  /** {@code symlink}: {@code target} is stored as given. */
  default int symlink(String target, String path) {
    return Errno.ENOSYS.negative();
  }

  /** {@code rename} (with renameat2 flags where the binding passes them; libfuse2 always passes 0). */
  default int rename(String from, String to, int flags) {
    return Errno.ENOSYS.negative();
  }

  /** {@code link}: a hard link {@code to} naming the same file as {@code from}. */
  default int link(String from, String to) {
    return Errno.ENOSYS.negative();
  }

  /** {@code chmod}. */
  default int chmod(String path, int mode) {
    return Errno.ENOSYS.negative();
  }

  /** {@code chown}; -1 leaves that id unchanged. */
  default int chown(String path, long uid, long gid) {
    return Errno.ENOSYS.negative();
  }

  /** {@code truncate}/{@code ftruncate}. */
  default int truncate(String path, long size, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code utimensat}: either time may be {@link TimeSpec#NOW} or {@link TimeSpec#OMIT}. */
  default int utimens(String path, TimeSpec atime, TimeSpec mtime) {
    return Errno.ENOSYS.negative();
  }

  /** {@code open}: store a handle in {@code fi}; the access mode and flags are in {@code fi.flags()}. */
  default int open(String path, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code create}: create and open a regular file (O_CREAT). */
  default int create(String path, int mode, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code read}: the number of bytes put into {@code dst} (0 at end of file). */
  default int read(String path, ByteBuffer dst, long offset, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code write}: the number of bytes taken from {@code src}. */
  default int write(String path, ByteBuffer src, long offset, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code statfs}. */
  default int statfs(String path, StatFsSink out) {
    return Errno.ENOSYS.negative();
  }

  /** {@code flush}: called on every close(2) of a descriptor of the file. */
  default int flush(String path, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code release}: the last descriptor of an open is closed; the result is ignored by the kernel. */
  default int release(String path, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code fsync}/{@code fdatasync}. */
  default int fsync(String path, boolean dataOnly, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code setxattr}; {@code flags} are XATTR_CREATE/XATTR_REPLACE. */
  default int setxattr(String path, String name, ByteBuffer value, int flags) {
    return Errno.ENOSYS.negative();
  }

  /** {@code getxattr}: with a zero-capacity {@code dst} the needed size; ERANGE if too small. */
  default int getxattr(String path, String name, ByteBuffer dst) {
    return Errno.ENOSYS.negative();
  }

  /** {@code listxattr}: NUL-separated names; size protocol as {@link #getxattr}. */
  default int listxattr(String path, ByteBuffer dst) {
    return Errno.ENOSYS.negative();
  }

  /** {@code removexattr}: ENODATA if absent. */
  default int removexattr(String path, String name) {
    return Errno.ENOSYS.negative();
  }

  /** {@code opendir}. */
  default int opendir(String path, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /**
   * {@code readdir}: add entries from {@code offset} on (0 = the start); each entry carries the offset
   * of the next one, and filling stops when {@link DirFiller#add} answers false.
   */
  default int readdir(String path, DirFiller filler, long offset, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code releasedir}. */
  default int releasedir(String path, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code fsyncdir}. */
  default int fsyncdir(String path, boolean dataOnly, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** {@code access}: F_OK/R_OK/W_OK/X_OK (the kernel skips it with default_permissions). */
  default int access(String path, int mask) {
    return Errno.ENOSYS.negative();
  }

  /** {@code fallocate}. */
  default int fallocate(String path, int mode, long offset, long length, FileInfo fi) {
    return Errno.ENOSYS.negative();
  }

  /** The kernel finished the handshake: the mount is live. Must not block. */
  default void initialized() {}

  /** The loop ended (unmounted); release everything. */
  default void destroyed() {}
}
