/**
 * The FUSE adapter: serves a union ({@link org.unionfs.api.union.UnionFileSystem}) to the kernel.
 *
 * <ul>
 *   <li>{@link org.unionfs.fuse.UnionMount} opens a union and mounts it; {@link org.unionfs.fuse.FuseMount}
 *       is the lifecycle of one mount (checks, readiness probe, idempotent unmount, shutdown hook).
 *   <li>{@link org.unionfs.fuse.UnionFuseOperations} adapts the union's operations; every callback runs
 *       in one guard that maps exceptions to errno through the one table, {@link org.unionfs.fuse.Errnos}.
 *   <li>{@link org.unionfs.fuse.MountOptions}: the {@code -o} options, validated, over measured defaults.
 *   <li>The native library is behind {@link org.unionfs.fuse.binding.FuseBinding} (jnr-fuse/libfuse2
 *       today).
 * </ul>
 */
package org.unionfs.fuse;
