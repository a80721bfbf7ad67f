package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The C library calls the driver needs that {@code Posix} lacks: the page size, the
 * {@code d_type} of directory entries (to detect a backing filesystem without d_type support) and a
 * plain rename(2).
 */
final class HostCalls {
  /** {@code DT_UNKNOWN}: the filesystem did not say what the entry is. */
  static final int DT_UNKNOWN = 0;
  // glibc struct dirent on LP64 Linux: d_ino(8) d_off(8) d_reclen(2) d_type(1) d_name[256].
  private static final int D_TYPE_OFFSET = 18;
  private static final int D_NAME_OFFSET = 19;

  /** The bound functions. */
  public interface LibC {
    int getpagesize();

    Pointer opendir(String path);

    Pointer readdir(Pointer dir);

    int closedir(Pointer dir);

    int rename(String from, String to);
  }

  private static final class Holder {
    static final HostCalls INSTANCE = new HostCalls();
  }

  private final LibC libc;
  private final Runtime runtime;

  private HostCalls() {
    libc = LibraryLoader.create(LibC.class).load("c");
    runtime = Runtime.getRuntime(libc);
  }

  static HostCalls get() {
    return Holder.INSTANCE;
  }

  int pageSize() {
    return libc.getpagesize();
  }

  /**
   * rename(2) without the JDK's copy fallback: returns 0 or the errno (EXDEV is an answer, not an error,
   * for the redirect_dir check).
   */
  int rename(Path from, Path to) {
    return libc.rename(from.toString(), to.toString()) == 0 ? 0 : runtime.getLastError();
  }

  /** The {@code d_type} of each entry of {@code dir} (without "." and ".."), as readdir(3) reports it. */
  synchronized Map<String, Integer> direntTypes(Path dir) throws IOException {
    Pointer d = libc.opendir(dir.toString());
    if (d == null) {
      throw new IOException("opendir " + dir + ": errno " + runtime.getLastError());
    }
    try {
      Map<String, Integer> types = new LinkedHashMap<>();
      for (Pointer e = libc.readdir(d); e != null; e = libc.readdir(d)) {
        String name = e.getString(D_NAME_OFFSET);
        if (!name.equals(".") && !name.equals("..")) {
          types.put(name, e.getByte(D_TYPE_OFFSET) & 0xff);
        }
      }
      return types;
    } finally {
      libc.closedir(d);
    }
  }
}
