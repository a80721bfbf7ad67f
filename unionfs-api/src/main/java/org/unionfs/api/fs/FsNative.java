package org.unionfs.api.fs;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.posix.Posix;

/**
 * The file-descriptor calls the copier needs and {@link Posix} does not offer (open with O_EXCL and
 * O_NOATIME, SEEK_DATA/SEEK_HOLE, copy_file_range, FICLONE on descriptors, fchown/fchmod/futimens).
 * Working on descriptors saves a path lookup per metadata call on the hot path of a layer copy. The
 * functions are those of {@link Posix.LibC}: one jnr-ffi binding per process, since each costs a cold
 * JVM a few hundred milliseconds.
 */
final class FsNative {
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  static final int O_NOFOLLOW = 0400000;
  static final int O_NOATIME = 01000000;
  static final int O_CLOEXEC = 02000000;
  static final int SEEK_DATA = 3;
  static final int SEEK_HOLE = 4;
  static final int ENXIO = 6;
  static final int ENOTTY = 25;
  /** {@code _IOW(0x94, 9, int)}. */
  static final long FICLONE = 0x40049409L;

  private static final class Holder {
    static final FsNative INSTANCE = new FsNative();
  }

  /** The process's one libc binding (see {@link Posix#libc()}). */
  final Posix.LibC libc;
  private final Posix posix;
  /** The process's effective ids: what a newly created entry gets (outside a setgid directory). */
  final int euid;
  final int egid;
  /** The process umask, from /proc/self/status; 0777 (assume the worst) if unreadable. */
  final int umask;

  private FsNative() {
    posix = Posix.get();
    libc = posix.libc();
    euid = libc.geteuid();
    egid = libc.getegid();
    umask = readUmask();
  }

  private static int readUmask() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: every copy then sets modes explicitly
    }
    return 0777;
  }

  static FsNative get() {
    return Holder.INSTANCE;
  }

  int errno() {
    return posix.lastErrno();
  }

  IOException error(int errno, String op, Path path) {
    return Posix.get().error(errno, op, path, null);
  }

  void check(long rc, String op, Path path) throws IOException {
    if (rc < 0) {
      throw error(errno(), op, path);
    }
  }

  /** Opens {@code path} for reading without following a symlink, without touching its atime if allowed. */
  int openForRead(Path path) throws IOException {
    String p = path.toString();
    int fd = libc.open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME, 0);
    if (fd < 0 && errno() == Posix.EPERM) {
      // O_NOATIME needs ownership or CAP_FOWNER; reading still works without it.
      fd = libc.open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    }
    check(fd, "open", path);
    return fd;
  }

  /**
   * Creates {@code path}, which must not exist, for writing, with {@code mode} less the umask (the
   * descriptor is writable whatever the mode says).
   */
  int createExclusive(Path path, int mode) throws IOException {
    int fd = libc.open(path.toString(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    check(fd, "create", path);
    return fd;
  }

  void mkdir(Path path, int mode) throws IOException {
    check(libc.mkdir(path.toString(), mode), "mkdir", path);
  }

  void close(int fd) {
    libc.close(fd);
  }
}
