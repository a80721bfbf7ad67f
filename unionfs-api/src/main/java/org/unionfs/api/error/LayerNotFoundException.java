package org.unionfs.api.error;

/** A layer (or a path inside one) does not exist. */
public final class LayerNotFoundException extends UnionFsException {
  private static final long serialVersionUID = 1L;

  public LayerNotFoundException(String message) {
    super(message, null);
  }

  public LayerNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
