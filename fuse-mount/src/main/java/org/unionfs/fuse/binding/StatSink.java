package org.unionfs.fuse.binding;

import org.unionfs.api.posix.FileStat;

/** Receives the attributes {@code getattr} reports. */
@FunctionalInterface
public interface StatSink {
  /** Reports {@code st} (every field, nanoseconds included; {@code dev} is ignored by the kernel). */
  void set(FileStat st);
}
