/**
 * Exact copies and deletions of file-system trees, for drivers that copy layers (vfs) or copy entries
 * up from a lower layer (union drivers): {@link org.unionfs.api.fs.TreeCopier} keeps type, mode bits,
 * owners, nanosecond times, every xattr, hard links, device nodes and holes, and uses reflink clones where
 * the filesystem has them. Linux only (native calls through jnr-ffi).
 */
package org.unionfs.api.fs;
