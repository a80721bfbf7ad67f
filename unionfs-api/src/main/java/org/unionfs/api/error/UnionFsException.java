package org.unionfs.api.error;

import java.io.IOException;

/**
 * A failure of a graphdriver operation, in one of a small closed set of categories.
 *
 * <p>Callers branch on the type, never on the message. Every message names the layer id or the path
 * it is about, in the form "what failed: why". The categories mirror containerd's errdefs:
 * {@link LayerNotFoundException}, {@link LayerExistsException}, {@link LayerInUseException},
 * {@link NotSupportedException}, {@link LayerCorruptException} and {@link InvalidArgumentException}.
 */
public abstract sealed class UnionFsException extends IOException
    permits LayerNotFoundException, LayerExistsException, LayerInUseException,
        NotSupportedException, LayerCorruptException, InvalidArgumentException {

  private static final long serialVersionUID = 1L;

  UnionFsException(String message, Throwable cause) {
    super(message, cause);
  }
}
