package org.unionfs.api.error;

/** A layer's on-disk state is inconsistent (a missing file, an unreadable metadata record). */
public final class LayerCorruptException extends UnionFsException {
  private static final long serialVersionUID = 1L;

  public LayerCorruptException(String message) {
    super(message, null);
  }

  public LayerCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
