package org.unionfs.api.union;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import org.unionfs.api.posix.Posix;

/**
 * The system calls the union needs beyond {@link Posix}: {@code chmod} with all 07777 bits,
 * {@code renameat2} (no-replace, exchange), {@code truncate} that can grow, and directory reading with
 * {@code d_type} and {@code d_ino} (one {@code getdents} per block instead of one {@code lstat} per entry).
 */
final class UnionNative {
  static final int AT_FDCWD = -100;
  static final int RENAME_NOREPLACE = 1;
  static final int RENAME_EXCHANGE = 2;
  static final int DT_UNKNOWN = 0;
  static final int DT_FIFO = 1;
  static final int DT_CHR = 2;
  static final int DT_DIR = 4;
  static final int DT_BLK = 6;
  static final int DT_REG = 8;
  static final int DT_LNK = 10;
  static final int DT_SOCK = 12;

  /** The C library functions used, bound by jnr-ffi. */
  public interface LibC {
    int chmod(String path, int mode);

    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    int truncate(String path, long length);

    int symlink(String target, String linkpath);

    long readlink(String path, byte[] buf, long size);

    int open(String path, int flags, int mode);

    int openat(int dirfd, String path, int flags, int mode);

    int close(int fd);

    long getdents64(int fd, @jnr.ffi.annotations.Out java.nio.ByteBuffer buf, long count);
  }

  /** One raw directory entry: name, inode number of the branch, {@code DT_*} type. */
  record Dirent(String name, long ino, int dtype) {}

  private static final class Holder {
    static final UnionNative INSTANCE = new UnionNative();
  }

  private final LibC libc;
  private final Runtime runtime;

  private UnionNative() {
    libc = LibraryLoader.create(LibC.class).load("c");
    runtime = Runtime.getRuntime(libc);
  }

  static UnionNative get() {
    return Holder.INSTANCE;
  }

  private void check(int rc, String op, Path path, Path other) throws IOException {
    if (rc < 0) {
      throw Posix.get().error(runtime.getLastError(), op, path, other);
    }
  }

  /** {@code chmod(2)} with setuid, setgid and sticky bits (the JDK's permission set has only 9 bits). */
  void chmod(Path path, int mode) throws IOException {
    check(libc.chmod(path.toString(), mode & 07777), "chmod", path, null);
  }

  /** {@code renameat2(2)}: atomic rename with {@link #RENAME_NOREPLACE} or {@link #RENAME_EXCHANGE}. */
  void rename(Path from, Path to, int flags) throws IOException {
    check(libc.renameat2(AT_FDCWD, from.toString(), AT_FDCWD, to.toString(), flags), "rename", from, to);
  }

  /** {@code truncate(2)}: shrinks or grows (sparse) a regular file. */
  void truncate(Path path, long size) throws IOException {
    check(libc.truncate(path.toString(), size), "truncate", path, null);
  }

  /** {@code symlink(2)}: the target is stored byte for byte (NIO would normalize it as a path). */
  void symlink(String target, Path link) throws IOException {
    check(libc.symlink(target, link.toString()), "symlink", link, null);
  }

  /** {@code readlink(2)}: the target as stored. */
  String readlink(Path link) throws IOException {
    for (int size = 256; ; size *= 4) {
      byte[] buf = new byte[size];
      long n = libc.readlink(link.toString(), buf, size);
      if (n < 0) {
        int e = runtime.getLastError();
        if (e == 22) { // EINVAL: not a symlink
          throw new java.nio.file.NotLinkException(link.toString());
        }
        throw Posix.get().error(e, "readlink", link, null);
      }
      if (n < size) {
        return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
      }
    }
  }

  /** {@code openat(2)} without a mode; the descriptor, or -1 (the errno is not kept). */
  int openat(int dirfd, String path, int flags) {
    return libc.openat(dirfd, path, flags, 0);
  }

  /** {@code close(2)}, ignoring errors (a descriptor of our own that is no longer needed). */
  void closeQuietly(int fd) {
    libc.close(fd);
  }

  private static final int O_RDONLY_DIRECTORY_CLOEXEC = 0200000 | 02000000; // O_DIRECTORY | O_CLOEXEC
  private static final ThreadLocal<java.nio.ByteBuffer> DIRENT_BUF = ThreadLocal.withInitial(
      () -> java.nio.ByteBuffer.allocateDirect(64 * 1024).order(java.nio.ByteOrder.nativeOrder()));

  /**
   * The entries of a directory, without {@code .} and {@code ..}, in the order the filesystem gives them:
   * {@code getdents64} into a 64 KiB buffer, parsed in Java (one native call per block, not per entry).
   */
  List<Dirent> readDirectory(Path dir) throws IOException {
    int fd = libc.open(dir.toString(), O_RDONLY_DIRECTORY_CLOEXEC, 0);
    if (fd < 0) {
      throw Posix.get().error(runtime.getLastError(), "open", dir, null);
    }
    try {
      java.nio.ByteBuffer buf = DIRENT_BUF.get();
      List<Dirent> out = new ArrayList<>();
      byte[] name = new byte[256];
      while (true) {
        buf.clear();
        long n = libc.getdents64(fd, buf, buf.capacity());
        if (n < 0) {
          throw Posix.get().error(runtime.getLastError(), "getdents64", dir, null);
        }
        if (n == 0) {
          return out;
        }
        // struct linux_dirent64: d_ino u64 @0, d_off s64 @8, d_reclen u16 @16, d_type u8 @18, d_name @19
        for (int pos = 0; pos < n; ) {
          int reclen = buf.getShort(pos + 16) & 0xffff;
          int len = 0;
          while (buf.get(pos + 19 + len) != 0) {
            name[len] = buf.get(pos + 19 + len);
            len++;
          }
          if (!(len == 1 && name[0] == '.' || len == 2 && name[0] == '.' && name[1] == '.')) {
            out.add(new Dirent(new String(name, 0, len, StandardCharsets.UTF_8), buf.getLong(pos),
                buf.get(pos + 18) & 0xff));
          }
          pos += reclen;
        }
      }
    } finally {
      libc.close(fd);
    }
  }
}
