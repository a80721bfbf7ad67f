/**
 * Our own small FUSE binding interface ({@link org.unionfs.fuse.binding.FuseFileSystem}: the operations,
 * every default {@code -ENOSYS}; {@link org.unionfs.fuse.binding.FuseBinding}: start a loop) and its
 * jnr-fuse/libfuse2 implementation. A libfuse3 binding (jfuse, JDK 22+) implements
 * {@code FuseBinding} and nothing else changes.
 */
package org.unionfs.fuse.binding;
