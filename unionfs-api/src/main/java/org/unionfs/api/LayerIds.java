package org.unionfs.api;

import java.util.regex.Pattern;
import org.unionfs.api.error.InvalidArgumentException;

/** Validation of layer ids, so that an id can never name a path outside the driver's home. */
public final class LayerIds {
  /** Docker's ids are 64 hex digits, optionally with "-init"; anything path-safe is accepted. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}");

  private LayerIds() {}

  /** Whether {@code id} is a well-formed layer id. */
  public static boolean isValid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /**
   * Returns {@code id} if it is well formed.
   *
   * @throws InvalidArgumentException naming the id otherwise
   */
  public static String require(String id) throws InvalidArgumentException {
    if (!isValid(id)) {
      throw new InvalidArgumentException(
          "invalid layer id " + quote(id)
              + ": use 1 to 255 characters of [A-Za-z0-9_.-], not starting with '.' or '-'");
    }
    return id;
  }

  /** Returns {@code parent} if it is null, empty (no parent; Docker passes "") or well formed. */
  public static String requireParent(String parent) throws InvalidArgumentException {
    if (parent == null || parent.isEmpty()) {
      return null;
    }
    return require(parent);
  }

  private static String quote(String id) {
    return id == null ? "null" : '"' + id.replace("\"", "\\\"") + '"';
  }
}
