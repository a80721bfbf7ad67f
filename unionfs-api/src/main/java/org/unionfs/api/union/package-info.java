/**
 * The union engine: an aufs-style union of directory branches in pure Java, operated on by path (the shape
 * of FUSE's high-level API), testable without FUSE. {@link org.unionfs.api.union.UnionFileSystem} is the
 * contract, {@link org.unionfs.api.union.UnionConfig} the configuration.
 *
 * <p>On-disk layout of the read-write branch (everything the union adds is named {@code .wh.*}, and no
 * {@code .wh.*} name is ever visible through the union):
 * <pre>
 * &lt;rw&gt;/
 *   .wh..wh.orph/          bookkeeping: copy-ups in progress, open-but-unlinked files (removed when empty on close)
 *   .wh..wh.aufs           AUFS format: the whiteout base; whiteouts are hard links to it
 *   a/.wh.b                AUFS format: hides a/b of the lower branches
 *   a/.wh..wh..opq         AUFS format: a/ hides everything below it
 *   a/b  (char 0/0)        OVERLAY format: hides a/b of the lower branches
 *   a/   trusted.overlay.opaque=y   OVERLAY format: a/ is opaque (user.overlay.opaque=y without root)
 * </pre>
 * Read-only branches are read in both formats (and overlayfs's xattr whiteouts in directories marked
 * {@code opaque=x}), so the layers of the aufs, overlay2 and vfs drivers stack in any mix.
 */
package org.unionfs.api.union;
