package org.unionfs.api;

import java.util.Comparator;
import java.util.Objects;

/**
 * One difference between a layer and its parent, as {@code docker diff} reports it.
 *
 * @param path absolute-style path inside the layer, "/" separated, without a trailing slash ("/etc/hosts")
 * @param kind what happened to it
 */
public record Change(String path, ChangeKind kind) implements Comparable<Change> {

  /** Order of moby's {@code changesByPath}: by path in byte order, then by kind. */
  public static final Comparator<Change> BY_PATH =
      Comparator.comparing(Change::path, Change::compareBytes).thenComparing(Change::kind);

  public Change {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("change path must be absolute: " + path);
    }
  }

  public static Change add(String path) {
    return new Change(path, ChangeKind.ADD);
  }

  public static Change modify(String path) {
    return new Change(path, ChangeKind.MODIFY);
  }

  public static Change delete(String path) {
    return new Change(path, ChangeKind.DELETE);
  }

  @Override
  public int compareTo(Change other) {
    return BY_PATH.compare(this, other);
  }

  /** "A /path", the line {@code docker diff} prints. */
  @Override
  public String toString() {
    return kind.letter() + " " + path;
  }

  /** Compares two strings by their UTF-8 bytes, unsigned, as Go compares strings. */
  static int compareBytes(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // Below the surrogate range UTF-16 order equals UTF-8 byte order; above it, compare code points.
        if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
          return Integer.compare(a.codePointAt(i), b.codePointAt(i));
        }
        return Character.compare(x, y);
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
