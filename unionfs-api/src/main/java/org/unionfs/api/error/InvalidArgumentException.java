package org.unionfs.api.error;

/**
 * An argument was refused: a malformed layer id, an unknown or malformed option, a layer tar that is
 * malformed or would write outside the layer. Nothing was changed.
 */
public final class InvalidArgumentException extends UnionFsException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message, null);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
