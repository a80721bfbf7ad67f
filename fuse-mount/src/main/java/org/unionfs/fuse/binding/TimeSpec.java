package org.unionfs.fuse.binding;

/**
 * A time as {@code utimensat(2)} takes it.
 *
 * @param sec seconds since the epoch
 * @param nsec nanoseconds, or {@link #UTIME_NOW}/{@link #UTIME_OMIT}
 */
public record TimeSpec(long sec, long nsec) {
  /** {@code tv_nsec} meaning "the current time". */
  public static final long UTIME_NOW = (1L << 30) - 1;
  /** {@code tv_nsec} meaning "leave unchanged". */
  public static final long UTIME_OMIT = (1L << 30) - 2;

  public static final TimeSpec NOW = new TimeSpec(0, UTIME_NOW);
  public static final TimeSpec OMIT = new TimeSpec(0, UTIME_OMIT);

  public boolean isNow() {
    return nsec == UTIME_NOW;
  }

  public boolean isOmit() {
    return nsec == UTIME_OMIT;
  }
}
