package org.unionfs.api.union;

/** Checks and splits the union's absolute paths ({@code "/"}, {@code "/a/b"}). */
final class UnionPaths {
  static final String WH = ".wh.";
  static final String WH_META = ".wh..wh.";
  static final String OPAQUE = ".wh..wh..opq";
  static final String ORPH = ".wh..wh.orph";

  private UnionPaths() {}

  /**
   * Throws {@link IllegalArgumentException} unless {@code path} is absolute and normalized, and ENAMETOOLONG
   * for a component longer than 255 bytes (what the branches' filesystems allow).
   */
  static String check(String path) throws org.unionfs.api.posix.PosixException {
    if (path == null) {
      throw new NullPointerException("path");
    }
    if (path.equals("/")) {
      return path;
    }
    if (!path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("not an absolute normalized union path: \"" + path + "\"");
    }
    // one scan, no substrings: this runs for every operation
    for (int start = 1; start <= path.length(); ) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      int len = end - start;
      if (path.charAt(start) == '.' && (len == 1 || len == 2 && path.charAt(start + 1) == '.')) {
        throw new IllegalArgumentException("not an absolute normalized union path: \"" + path + "\"");
      }
      if (len > 63 && path.substring(start, end).getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
        throw new org.unionfs.api.posix.PosixException(path, null, "lookup", 36, "File name too long");
      }
      start = end + 1;
    }
    return path;
  }

  static String parent(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  static String child(String dir, String name) {
    return dir.equals("/") ? "/" + name : dir + "/" + name;
  }

  /** Whether {@code path} is {@code dir} or below it. */
  static boolean isUnder(String path, String dir) {
    return dir.equals("/") || path.equals(dir) || path.startsWith(dir) && path.charAt(dir.length()) == '/';
  }

  /** The branch-relative form ("" for the root), to resolve against a branch directory. */
  static String relative(String path) {
    return path.substring(1);
  }

  /** Whether a name is reserved by the union (whiteouts, opaque markers, bookkeeping). */
  static boolean reserved(String name) {
    return name.startsWith(WH);
  }
}
