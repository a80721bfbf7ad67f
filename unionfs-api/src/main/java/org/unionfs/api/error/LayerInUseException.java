package org.unionfs.api.error;

/** A layer cannot be changed or removed because it has children or is still mounted. */
public final class LayerInUseException extends UnionFsException {
  private static final long serialVersionUID = 1L;

  public LayerInUseException(String message) {
    super(message, null);
  }

  public LayerInUseException(String message, Throwable cause) {
    super(message, cause);
  }
}
