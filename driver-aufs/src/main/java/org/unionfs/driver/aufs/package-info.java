/**
 * The aufs graphdriver: Docker's aufs layout, file for file, with layers assembled by the union engine
 * ({@link org.unionfs.api.union.UnionFileSystem}) mounted through FUSE instead of the aufs kernel
 * module.
 *
 * <p>On-disk layout (home = {@code <root>/aufs}), as moby 23 writes it:
 * <pre>
 * home/                 0710
 *   layers/             0710
 *     &lt;id&gt;              0644  regular file; its presence is the layer's existence. Empty for a layer
 *                             without parent, else the direct parent's id, then every further
 *                             ancestor, one per line ('\n'-terminated), nearest first, base last
 *   diff/               0710
 *     &lt;id&gt;/             0755  the layer's branch: its own files, deletions as empty files
 *                             {@code .wh.<name>}, opaque directories marked by {@code .wh..wh..opq}
 *     &lt;id&gt;-removing/    a layer being deleted (renamed away first, as moby)
 *   mnt/                0710
 *     &lt;id&gt;/             0755  the union mount point of a layer with parents, while mounted
 *   .diff-*             a diff tar being spooled (unlinked as soon as it is opened), or
 *                       (.diff-view-*) a copy of a union: view a naive diff walks (nio mode)
 * </pre>
 *
 * <p>get of a layer without parents returns {@code diff/<id>} and mounts nothing; any other layer is
 * mounted on {@code mnt/<id>} by its first get: {@code diff/<id>} read-write over its ancestors'
 * branches read-only (whiteouts honoured), and unmounted by the put that balances the last get. As in
 * moby, image layers mount read-write too (Docker and moby's graphtest write image layers through get
 * before committing them). FUSE mounts live as long as this process
 * ({@link org.unionfs.api.DriverCapability#PROCESS_BOUND_MOUNTS}); opening the driver detaches mounts
 * a dead process left under {@code mnt/}, finishes interrupted removals and deletes the directories
 * of interrupted creates (a layer exists only once its {@code layers/} file is written, last).
 *
 * <p>With the driver option {@code aufs.mountmode=nio} ({@link org.unionfs.driver.aufs.AufsOptions}) get
 * returns the root of an in-process {@code union:} file system ({@code unionfs-nio}) over the same
 * branches instead of a FUSE mount: no root, no {@code /dev/fuse}, views for {@code java.nio} code of
 * this JVM only. Naive diffs then walk a copy of the view ({@code .diff-view-<id>-...} in the home,
 * {@link org.unionfs.driver.aufs.ViewCopies}), since the layer-tar engine needs real paths.
 *
 * <p>Differences from moby's aufs: no kernel module, no {@code auplink}, no xino file; no 127-branch
 * page-size limit (up to {@link org.unionfs.api.union.UnionConfig#MAX_BRANCHES} branches in one
 * mount); diffs against the direct parent are read from {@code diff/<id>} but equal the naive diff
 * (see {@link org.unionfs.driver.aufs.AufsDiffs}); changes are correct where moby's were not (a nested
 * {@code .wh..wh..opq} is an opaque marker, not a deletion of {@code .wh..opq}). The union engine
 * breaks a lower hard link when one name is copied up, so
 * {@link org.unionfs.api.DriverCapability#HARDLINKS_ACROSS_LAYERS} is not declared.
 */
package org.unionfs.driver.aufs;
