package org.unionfs.api.error;

/**
 * A driver, option or operation is not supported here; the message gives the reason (a missing kernel
 * feature, a backing filesystem without d_type, a quota on a filesystem without project quotas).
 *
 * <p>The registry skips a driver whose probe or open fails with this exception, as moby skips a driver
 * that returns {@code ErrNotSupported}.
 */
public final class NotSupportedException extends UnionFsException {
  private static final long serialVersionUID = 1L;

  public NotSupportedException(String message) {
    super(message, null);
  }

  public NotSupportedException(String message, Throwable cause) {
    super(message, cause);
  }
}
