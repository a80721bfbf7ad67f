package org.unionfs.api.union;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
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

    Pointer opendir(String path);

    Pointer readdir64(Pointer dir);

    int closedir(Pointer dir);
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

  /** The entries of a directory, without {@code .} and {@code ..}, in the order the filesystem gives them. */
  List<Dirent> readDirectory(Path dir) throws IOException {
    Pointer d = libc.opendir(dir.toString());
    if (d == null) {
      throw Posix.get().error(runtime.getLastError(), "opendir", dir, null);
    }
    try {
      List<Dirent> out = new ArrayList<>();
      while (true) {
        Pointer e = libc.readdir64(d);
        if (e == null) {
          return out; // end (readdir errors on a local directory are not expected after opendir)
        }
        // struct dirent64: d_ino u64 @0, d_off s64 @8, d_reclen u16 @16, d_type u8 @18, d_name @19
        int reclen = e.getShort(16) & 0xffff;
        int max = Math.max(0, reclen - 19);
        byte[] raw = new byte[max];
        e.get(19, raw, 0, max);
        int len = 0;
        while (len < max && raw[len] != 0) {
          len++;
        }
        if (len == 1 && raw[0] == '.' || len == 2 && raw[0] == '.' && raw[1] == '.') {
          continue;
        }
        out.add(new Dirent(new String(raw, 0, len, StandardCharsets.UTF_8), e.getLong(0), e.getByte(18) & 0xff));
      }
    } finally {
      libc.closedir(d);
    }
  }
}
