package org.unionfs.api.layer;

import org.unionfs.api.error.InvalidArgumentException;

/** Member names of a layer tar made safe: relative, '/'-separated, no empty, "." or ".." parts. */
final class Names {
  private Names() {}

  /**
   * Cleans a member name: leading '/' and "./" parts and a trailing '/' are dropped ("./etc/" becomes
   * "etc", "./" and "/" become "" for the root). A ".." part is refused, wherever it stands.
   *
   * @param what the entry, for the message
   */
  static String clean(String name, String what) throws InvalidArgumentException {
    // Fast path: already clean (the common case in engine-written layers).
    if (isClean(name)) {
      return name;
    }
    StringBuilder out = new StringBuilder(name.length());
    int i = 0;
    int n = name.length();
    while (i < n) {
      int j = name.indexOf('/', i);
      if (j < 0) {
        j = n;
      }
      int len = j - i;
      if (len == 0 || (len == 1 && name.charAt(i) == '.')) {
        i = j + 1;
        continue;
      }
      if (len == 2 && name.charAt(i) == '.' && name.charAt(i + 1) == '.') {
        throw new InvalidArgumentException("layer tar: " + what + ": a '..' path component is not allowed");
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(name, i, j);
      i = j + 1;
    }
    return out.toString();
  }

  private static boolean isClean(String name) {
    int n = name.length();
    if (n == 0 || name.charAt(0) == '/' || name.charAt(n - 1) == '/') {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= n; i++) {
      if (i == n || name.charAt(i) == '/') {
        int len = i - start;
        if (len == 0 || (len == 1 && name.charAt(start) == '.')
            || (len == 2 && name.charAt(start) == '.' && name.charAt(start + 1) == '.')) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  /** The parent of a clean relative name; "" for a top-level name. */
  static String parent(String rel) {
    int i = rel.lastIndexOf('/');
    return i < 0 ? "" : rel.substring(0, i);
  }

  /** The last part of a clean relative name. */
  static String base(String rel) {
    return rel.substring(rel.lastIndexOf('/') + 1);
  }

  /** Joins a clean parent and a base name. */
  static String join(String parent, String base) {
    return parent.isEmpty() ? base : parent + "/" + base;
  }

  /** Whether {@code path} is {@code dir} or below it (both clean, "" is the root). */
  static boolean isUnder(String path, String dir) {
    return dir.isEmpty() || path.equals(dir)
        || (path.length() > dir.length() && path.startsWith(dir) && path.charAt(dir.length()) == '/');
  }

  /** Compares by UTF-8 bytes, unsigned, as Go compares strings. */
  static int compareUtf8(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
          return Integer.compare(a.codePointAt(i), b.codePointAt(i));
        }
        return Character.compare(x, y);
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
