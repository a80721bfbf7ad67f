package org.unionfs.fuse;

/**
 * The error numbers the FUSE adapter answers with. The numeric values come from the platform
 * ({@code jnr.constants.platform.Errno}, the table jnr-fuse's {@code ErrorCodes} uses), so no literal
 * numbers appear in this module.
 */
public enum Errno {
  EPERM, ENOENT, EIO, EBADF, EACCES, EBUSY, EEXIST, EXDEV, ENOTDIR, EISDIR, EINVAL, EFBIG, ENOSPC,
  EROFS, EMLINK, ERANGE, ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP, ENODATA, EDQUOT, EILSEQ,
  /** Linux spells it EOPNOTSUPP; ENOTSUP has the same value. */
  ENOTSUP("EOPNOTSUPP");

  private final int value;

  Errno() {
    this(null);
  }

  Errno(String platformName) {
    jnr.constants.platform.Errno e =
        jnr.constants.platform.Errno.valueOf(platformName == null ? name() : platformName);
    if (!e.defined()) {
      throw new ExceptionInInitializerError("errno " + name() + " is not defined on this platform");
    }
    this.value = e.intValue();
  }

  /** The positive errno value of this platform. */
  public int value() {
    return value;
  }

  /** The value a FUSE callback returns for this error: {@code -value()}. */
  public int negative() {
    return -value;
  }

  /** The constant with this value, or {@link #EIO} if the value is not one of ours. */
  public static Errno of(int value) {
    for (Errno e : values()) {
      if (e.value == value) {
        return e;
      }
    }
    return EIO;
  }
}
