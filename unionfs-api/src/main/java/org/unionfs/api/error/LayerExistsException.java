package org.unionfs.api.error;

/** A layer with that id already exists. */
public final class LayerExistsException extends UnionFsException {
  private static final long serialVersionUID = 1L;

  public LayerExistsException(String message) {
    super(message, null);
  }

  public LayerExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}
