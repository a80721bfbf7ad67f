package org.unionfs.fuse.binding;

import org.unionfs.api.posix.StatFs;

/** Receives what {@code statfs} reports. */
@FunctionalInterface
public interface StatFsSink {
  /** Reports {@code fs} with the longest name a component may have. */
  void set(StatFs fs, long nameMax);
}
