package org.unionfs.fuse.binding;

/** Who made the request being served on the current thread ({@code fuse_get_context}). */
@FunctionalInterface
public interface CallerContext {
  /** The caller of the current request; only valid inside a callback. */
  Caller caller();

  /** The requesting process's ids and umask. */
  record Caller(int uid, int gid, int pid, int umask) {}
}
