package org.unionfs.fuse;

import java.io.IOException;

/**
 * A mount could not be made or checked. The message is one line a user can act on ("mount point
 * /mnt is not empty (add -o nonempty)", "no /dev/fuse", "bad option 'foo'").
 */
public final class FuseMountException extends IOException {
  private static final long serialVersionUID = 1L;

  public FuseMountException(String message) {
    super(message);
  }

  public FuseMountException(String message, Throwable cause) {
    super(message, cause);
  }
}
