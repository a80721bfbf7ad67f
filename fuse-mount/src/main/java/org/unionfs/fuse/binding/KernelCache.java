package org.unionfs.fuse.binding;

/**
 * The kernel's caches of a mount, as far as a filesystem may steer them. Needed because libfuse2's
 * high-level API gives every name its own kernel inode: after a change through one name of a hard-linked
 * file (link, unlink, chmod, ...), the kernel still holds the old attributes under the other names until
 * their attribute timeout runs out.
 */
@FunctionalInterface
public interface KernelCache {
  /** Ignores every request (no mount, or a binding that cannot). */
  KernelCache NONE = path -> { };

  /**
   * Makes the kernel forget the cached attributes of {@code path} (absolute within the mount), if it holds
   * any; the next stat asks the filesystem again. Never throws; may return before the kernel has acted
   * when acting at once could wait on a lock held by the request being served.
   */
  void forgetAttributes(String path);
}
