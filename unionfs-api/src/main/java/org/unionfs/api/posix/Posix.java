package org.unionfs.api.posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The Linux system calls the JDK does not offer: extended attributes of every namespace, device nodes,
 * nanosecond times on symlinks, {@code lstat} with device and inode numbers, {@code statfs}, reflink
 * clones, mounts. Paths are never followed when they name a symlink, unless a method says otherwise.
 *
 * <p>Errors come back as the {@code java.nio.file} exception that fits the errno, with the path: ENOENT as
 * {@link NoSuchFileException}, EEXIST as {@link FileAlreadyExistsException}, EACCES and EPERM as
 * {@link AccessDeniedException}, anything else as {@link PosixException} carrying the errno.
 *
 * <p>Thread-safe; one instance per process ({@link #get()}).
 */
public final class Posix {
  public static final int ENOENT = 2;
  public static final int EPERM = 1;
  public static final int EIO = 5;
  public static final int EBADF = 9;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int EROFS = 30;
  public static final int ERANGE = 34;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;
  public static final int EDQUOT = 122;

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  /** {@code _IOW(0x94, 9, int)}. */
  private static final long FICLONE = 0x40049409L;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_NOFOLLOW = 0400000;
  public static final int MNT_DETACH = 2;
  public static final long UTIME_OMIT = (1L << 30) - 2;

  /** The C library functions used, bound by jnr-ffi. */
  public interface LibC {
    long lgetxattr(String path, String name, byte[] value, long size);

    long llistxattr(String path, byte[] list, long size);

    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    int lremovexattr(String path, String name);

    int mknod(String path, int mode, long dev);

    int lchown(String path, int uid, int gid);

    int chmod(String path, int mode);

    int symlink(String target, String linkpath);

    int utimensat(int dirfd, String path, long[] times, int flags);

    int lstat(String path, byte[] buf);

    int statfs(String path, byte[] buf);

    int open(String path, int flags, int mode);

    int close(int fd);

    int ioctl(int fd, long request, long arg);

    int mount(String source, String target, String type, long flags, String data);

    int umount2(String target, int flags);

    String strerror(int errnum);

    // Descriptor calls of the tree copier (org.unionfs.api.fs) and the quota calls
    // (org.unionfs.api.quota), folded in here so that a process binds libc once: each jnr-ffi binding
    // costs a cold JVM a few hundred milliseconds.

    long lseek(int fd, long offset, int whence);

    long copy_file_range(int fdIn, long[] offIn, int fdOut, long[] offOut, long len, int flags);

    long pread(int fd, @jnr.ffi.annotations.Out byte[] buf, long count, long offset);

    long pwrite(int fd, @jnr.ffi.annotations.In byte[] buf, long count, long offset);

    int ftruncate(int fd, long length);

    int fchown(int fd, int uid, int gid);

    int fchmod(int fd, int mode);

    int futimens(int fd, @jnr.ffi.annotations.In long[] times);

    int mkdir(String path, int mode);

    int geteuid();

    int getegid();

    /** {@code ioctl(2)} whose argument is a buffer (in and out), e.g. {@code FS_IOC_FSGETXATTR}. */
    int ioctl(int fd, long request, byte[] arg);

    /** {@code syscall(2)} with the shape of {@code quotactl_fd(fd, cmd, id, addr)}. */
    long syscall(long number, int fd, int cmd, int id, byte[] addr);

    int quotactl(int cmd, String special, int id, byte[] addr);
  }

  private static final class Holder {
    static final Posix INSTANCE = new Posix();
  }

  private final LibC libc;
  private final Runtime runtime;
  private final StatLayout statLayout;

  private Posix() {
    libc = LibraryLoader.create(LibC.class).load("c");
    runtime = Runtime.getRuntime(libc);
    statLayout = StatLayout.forArch(System.getProperty("os.arch"));
  }

  /** The process-wide instance. */
  public static Posix get() {
    return Holder.INSTANCE;
  }

  private static String str(Path p) {
    return p.toString();
  }

  private int errno() {
    return runtime.getLastError();
  }

  /**
   * The raw libc binding, for the library's own descriptor-level code (tree copier, quotas) that checks
   * return values itself and reads errno with {@link #lastErrno()}. Prefer the checked methods above.
   */
  public LibC libc() {
    return libc;
  }

  /** The errno of the last call made through {@link #libc()} on this thread. */
  public int lastErrno() {
    return runtime.getLastError();
  }

  /** Builds the exception for {@code errno} on {@code path}, as the JDK would. */
  public IOException error(int errno, String op, Path path, Path other) {
    String file = path == null ? null : path.toString();
    String otherFile = other == null ? null : other.toString();
    return switch (errno) {
      case ENOENT -> new NoSuchFileException(file, otherFile, null);
      case EEXIST -> new FileAlreadyExistsException(file, otherFile, null);
      case EACCES, EPERM -> new AccessDeniedException(file, otherFile, op + ": " + libc.strerror(errno));
      case ENOTDIR -> new NotDirectoryException(file);
      case ENOTEMPTY -> new DirectoryNotEmptyException(file);
      default -> new PosixException(file, otherFile, op, errno, libc.strerror(errno));
    };
  }

  private void check(int rc, String op, Path path) throws IOException {
    if (rc < 0) {
      throw error(errno(), op, path, null);
    }
  }

  // ---- stat ----

  /** {@code lstat(2)}: the entry itself, never what a symlink points to. */
  public FileStat lstat(Path path) throws IOException {
    byte[] buf = new byte[statLayout.size];
    check(libc.lstat(str(path), buf), "lstat", path);
    return statLayout.decode(buf);
  }

  /** {@link #lstat}, or empty if nothing is there (ENOENT or ENOTDIR). */
  public Optional<FileStat> lstatIfExists(Path path) throws IOException {
    byte[] buf = new byte[statLayout.size];
    if (libc.lstat(str(path), buf) < 0) {
      int e = errno();
      if (e == ENOENT || e == ENOTDIR) {
        return Optional.empty();
      }
      throw error(e, "lstat", path, null);
    }
    return Optional.of(statLayout.decode(buf));
  }

  /** {@code statfs(2)}: the filesystem holding {@code path}. */
  public StatFs statfs(Path path) throws IOException {
    byte[] buf = new byte[120];
    check(libc.statfs(str(path), buf), "statfs", path);
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
    return new StatFs(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32),
        b.getLong(40), b.getLong(48));
  }

  // ---- extended attributes ----

  /** The names of every extended attribute of the entry, in every namespace the caller may read. */
  public List<String> listXattrs(Path path) throws IOException {
    String p = str(path);
    while (true) {
      long size = libc.llistxattr(p, null, 0);
      if (size < 0) {
        int e = errno();
        if (e == EOPNOTSUPP) {
          return List.of();
        }
        throw error(e, "llistxattr", path, null);
      }
      if (size == 0) {
        return List.of();
      }
      byte[] buf = new byte[(int) size];
      long n = libc.llistxattr(p, buf, size);
      if (n < 0) {
        int e = errno();
        if (e == ERANGE) {
          continue; // grew in between
        }
        throw error(e, "llistxattr", path, null);
      }
      List<String> names = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] == 0) {
          if (i > start) {
            names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
          }
          start = i + 1;
        }
      }
      return names;
    }
  }

  /** The value of one extended attribute, or empty if the entry has none of that name. */
  public Optional<byte[]> getXattr(Path path, String name) throws IOException {
    String p = str(path);
    while (true) {
      long size = libc.lgetxattr(p, name, null, 0);
      if (size < 0) {
        int e = errno();
        if (e == ENODATA || e == EOPNOTSUPP) {
          return Optional.empty();
        }
        throw error(e, "lgetxattr " + name, path, null);
      }
      byte[] buf = new byte[(int) size];
      if (size == 0) {
        return Optional.of(buf);
      }
      long n = libc.lgetxattr(p, name, buf, size);
      if (n < 0) {
        int e = errno();
        if (e == ERANGE) {
          continue;
        }
        if (e == ENODATA) {
          return Optional.empty();
        }
        throw error(e, "lgetxattr " + name, path, null);
      }
      return Optional.of(n == size ? buf : java.util.Arrays.copyOf(buf, (int) n));
    }
  }

  /** Sets an extended attribute on the entry itself (never through a symlink). */
  public void setXattr(Path path, String name, byte[] value) throws IOException {
    check(libc.lsetxattr(str(path), name, value, value.length, 0), "lsetxattr " + name, path);
  }

  /** Removes an extended attribute; no error if it was absent. */
  public void removeXattr(Path path, String name) throws IOException {
    if (libc.lremovexattr(str(path), name) < 0) {
      int e = errno();
      if (e != ENODATA) {
        throw error(e, "lremovexattr " + name, path, null);
      }
    }
  }

  // ---- creation and metadata ----

  /** {@code mknod(2)}: a device node, fifo or socket; {@code mode} includes the type bits. */
  public void mknod(Path path, int mode, long rdev) throws IOException {
    check(libc.mknod(str(path), mode, rdev), "mknod", path);
  }

  /**
   * {@code chmod(2)} with all of 07777 (setuid, setgid, sticky included), which the JDK cannot set.
   * Follows a symlink: callers make sure {@code path} is not one (Linux has no lchmod).
   */
  public void chmod(Path path, int mode) throws IOException {
    check(libc.chmod(str(path), mode & 07777), "chmod", path);
  }

  /**
   * {@code symlink(2)}: creates {@code link} pointing to {@code target} byte for byte (the JDK normalises
   * targets, dropping a trailing '/' or doubled slashes). Fails with EEXIST if {@code link} exists.
   */
  public void symlink(String target, Path link) throws IOException {
    check(libc.symlink(target, str(link)), "symlink", link);
  }

  /** {@code lchown(2)}: the owner of the entry itself. */
  public void lchown(Path path, int uid, int gid) throws IOException {
    check(libc.lchown(str(path), uid, gid), "lchown", path);
  }

  /** Sets access and modification times with nanoseconds, on the entry itself (symlinks too). */
  public void setTimes(Path path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
      throws IOException {
    long[] times = {atimeSec, atimeNsec, mtimeSec, mtimeNsec};
    check(libc.utimensat(AT_FDCWD, str(path), times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
  }

  // ---- reflink ----

  /**
   * Makes {@code target} (an existing empty regular file) share every block of {@code source}
   * ({@code FICLONE}). Returns false where the filesystem cannot (EOPNOTSUPP, EXDEV, EINVAL), so that the
   * caller copies instead.
   */
  public boolean cloneFile(Path source, Path target) throws IOException {
    int src = libc.open(str(source), O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    if (src < 0) {
      throw error(errno(), "open", source, null);
    }
    try {
      int dst = libc.open(str(target), O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
      if (dst < 0) {
        throw error(errno(), "open", target, null);
      }
      try {
        if (libc.ioctl(dst, FICLONE, src) == 0) {
          return true;
        }
        int e = errno();
        if (e == EOPNOTSUPP || e == EXDEV || e == EINVAL || e == ENOSYS || e == 25 /* ENOTTY */) {
          return false;
        }
        throw error(e, "ioctl FICLONE", target, source);
      } finally {
        libc.close(dst);
      }
    } finally {
      libc.close(src);
    }
  }

  // ---- mounts ----

  /** {@code mount(2)}. */
  public void mount(String source, Path target, String type, long flags, String data)
      throws IOException {
    check(libc.mount(source, str(target), type, flags, data), "mount " + type, target);
  }

  /** {@code umount2(2)}. */
  public void umount2(Path target, int flags) throws IOException {
    check(libc.umount2(str(target), flags), "umount2", target);
  }

  /** The message of an errno, as {@code strerror(3)}. */
  public String strerror(int errno) {
    return libc.strerror(errno);
  }

  /** The layout of {@code struct stat} on this architecture. */
  private record StatLayout(int size, boolean x86) {
    static StatLayout forArch(String arch) {
      return switch (arch) {
        case "amd64", "x86_64" -> new StatLayout(144, true);
        case "aarch64", "arm64", "riscv64" -> new StatLayout(128, false);
        default -> throw new UnsupportedOperationException("struct stat layout unknown for " + arch);
      };
    }

    FileStat decode(byte[] raw) {
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
      if (x86) {
        // dev 0, ino 8, nlink 16, mode 24, uid 28, gid 32, pad 36, rdev 40, size 48, blksize 56,
        // blocks 64, atime 72, mtime 88, ctime 104
        return new FileStat(b.getLong(0), b.getLong(8), b.getInt(24), b.getLong(16), b.getInt(28),
            b.getInt(32), b.getLong(40), b.getLong(48), b.getLong(64), b.getLong(72), b.getLong(80),
            b.getLong(88), b.getLong(96), b.getLong(104), b.getLong(112));
      }
      // generic: dev 0, ino 8, mode 16, nlink 20, uid 24, gid 28, rdev 32, pad 40, size 48,
      // blksize 56, pad 60, blocks 64, atime 72, mtime 88, ctime 104
      return new FileStat(b.getLong(0), b.getLong(8), b.getInt(16), b.getInt(20) & 0xffffffffL,
          b.getInt(24), b.getInt(28), b.getLong(32), b.getLong(48), b.getLong(64), b.getLong(72),
          b.getLong(80), b.getLong(88), b.getLong(96), b.getLong(104), b.getLong(112));
    }
  }
}
