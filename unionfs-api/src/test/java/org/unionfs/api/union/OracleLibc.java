package org.unionfs.api.union;

import java.io.IOException;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import org.unionfs.api.posix.Posix;

/** The plain system calls the oracle directory is changed with, so its errors are the kernel's own. */
final class OracleLibc {
  /** Bound by jnr-ffi. */
  public interface C {
    int unlink(String path);

    int rmdir(String path);

    int mkdir(String path, int mode);

    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);

    int link(String oldpath, String newpath);

    int symlink(String target, String linkpath);

    int truncate(String path, long length);

    int chmod(String path, int mode);

    int umask(int mask);
  }

  static final C C = LibraryLoader.create(C.class).load("c");
  private static final Runtime RT = Runtime.getRuntime(C);

  private OracleLibc() {}

  static void check(int rc, String op, Path p) throws IOException {
    if (rc < 0) {
      int e = RT.getLastError();
      throw new org.unionfs.api.posix.PosixException(p.toString(), null, op, e, Posix.get().strerror(e));
    }
  }

  static void unlink(Path p) throws IOException {
    check(C.unlink(p.toString()), "unlink", p);
  }

  static void rmdir(Path p) throws IOException {
    check(C.rmdir(p.toString()), "rmdir", p);
  }

  static void mkdir(Path p, int mode) throws IOException {
    check(C.mkdir(p.toString(), mode), "mkdir", p);
    check(C.chmod(p.toString(), mode), "chmod", p);
  }

  static void rename(Path a, Path b, int flags) throws IOException {
    check(C.renameat2(-100, a.toString(), -100, b.toString(), flags), "rename", a);
  }

  static void link(Path a, Path b) throws IOException {
    check(C.link(a.toString(), b.toString()), "link", a);
  }

  static void symlink(String target, Path b) throws IOException {
    check(C.symlink(target, b.toString()), "symlink", b);
  }

  static void truncate(Path p, long size) throws IOException {
    check(C.truncate(p.toString(), size), "truncate", p);
  }

  static void chmod(Path p, int mode) throws IOException {
    check(C.chmod(p.toString(), mode), "chmod", p);
  }

  /** The errno an exception of the union or of the oracle stands for (the FUSE adapter's table). */
  static int errno(Throwable t) {
    if (t instanceof org.unionfs.api.posix.PosixException p) {
      return p.errno();
    }
    if (t instanceof java.nio.file.NoSuchFileException) {
      return 2;
    }
    if (t instanceof java.nio.file.FileAlreadyExistsException) {
      return 17;
    }
    if (t instanceof java.nio.file.DirectoryNotEmptyException) {
      return 39;
    }
    if (t instanceof java.nio.file.NotDirectoryException) {
      return 20;
    }
    if (t instanceof IsDirectoryException) {
      return 21;
    }
    if (t instanceof java.nio.file.AccessDeniedException a) {
      // Posix reports EPERM and EACCES both as AccessDeniedException; the reason tells them apart
      return a.getReason() != null && a.getReason().contains("not permitted") ? 1 : 13;
    }
    if (t instanceof java.nio.file.AtomicMoveNotSupportedException) {
      return 18;
    }
    if (t instanceof java.nio.file.NotLinkException) {
      return 22;
    }
    if (t instanceof java.nio.file.FileSystemException f && f.getReason() != null
        && f.getReason().contains("Is a directory")) {
      return 21;
    }
    throw new AssertionError("unexpected exception", t);
  }
}
