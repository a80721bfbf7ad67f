/**
 * The union engine: an aufs-style union of directory branches in pure Java, operated on by path (the shape
 * of FUSE's high-level API), testable without FUSE. {@link org.unionfs.api.union.UnionFileSystem} is the
 * contract, {@link org.unionfs.api.union.UnionConfig} the configuration.
 *
 * <p>On-disk layout of the read-write branch (everything the union adds is named {@code .wh.*}, and no
 * {@code .wh.*} name is ever visible through the union):
 * <pre>
 * &lt;rw&gt;/
 *   .wh..wh.orph/          bookkeeping, while the union is open: copy-ups in progress, files unlinked or
 *                          renamed over while open (emptied when the union opens, removed when it closes)
 *   a/.wh.b                AUFS format: hides a/b of the lower branches
 *   a/.wh..wh..opq         AUFS format: a/ hides everything below it
 *   a/b  (char 0/0)        OVERLAY format: hides a/b of the lower branches
 *   a/   trusted.overlay.opaque=y   OVERLAY format: a/ is opaque (user.overlay.opaque=y without root)
 * </pre>
 * Read-only branches are read in both formats (and overlayfs's xattr whiteouts in directories marked
 * {@code opaque=x}), so the layers of the aufs, overlay2 and vfs drivers stack in any mix.
 *
 * <p>Known differences from a plain filesystem, shared with aufs and overlayfs without {@code index}:
 * a copy-up breaks a hard link between lower names (the other names keep the old content and get their own
 * inode number); a file opened for reading before its copy-up keeps reading the lower data; the branches
 * must change only through the union while it is open (its caches trust that); paths never pass through a
 * symlink (FUSE resolves those in the kernel), so a symlink in the middle of a path is ENOTDIR here.
 */
package org.unionfs.api.union;
