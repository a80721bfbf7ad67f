/**
 * The vfs graphdriver: every layer is a complete copy of its parent's tree.
 *
 * <p>On-disk layout (home = {@code <root>/vfs}):
 * <pre>
 *   &lt;home&gt;/              0710
 *     dir/               0710   Docker's layout, unchanged: one directory per layer
 *       &lt;id&gt;/            0755   the layer's full tree (what get returns)
 *     meta/              0700   ours: one record per layer, "parent=&lt;id&gt;\nkind=ro|rw\nsize=&lt;bytes&gt;\n"
 *       &lt;id&gt;
 *     tmp/               0700   ours: layers being built or removed, "&lt;create|remove&gt;-&lt;pid&gt;-&lt;n&gt;-&lt;hash&gt;"
 * </pre>
 * A home written by Docker's vfs ({@code dir/} only) opens as is; its layers have no parent record, so
 * they can be removed in any order, as in Docker.
 *
 * <p>Create copies the parent exactly with {@link org.unionfs.api.fs.TreeCopier} (all xattrs, hard
 * links, device nodes, nanosecond times; reflink clones on btrfs and xfs with reflink=1) into
 * {@code tmp/}, writes the record, then renames the tree into {@code dir/}: a crash never leaves a
 * half-built layer visible. Remove renames {@code dir/<id>} into {@code tmp/} first, then deletes.
 * Open deletes {@code tmp/} entries of dead processes and records without a layer.
 *
 * <p>Differences from moby's vfs, on purpose: every xattr is copied (moby copies only
 * {@code security.capability}); a layer with children, or one held by get, cannot be removed; put without
 * get is an error; sockets are recreated as socket inodes (moby fails on them). As in moby: status and
 * metadata are empty; the options are {@code size} (driver default for read-write layers) and the
 * storage option {@code size} on read-write layers only, enforced with project quotas
 * ({@link org.unionfs.api.quota.ProjectQuota}: xfs mounted with pquota as in moby, or ext4 with the
 * project feature mounted with prjquota) set on the layer directory before the parent is copied into
 * it, so the copy counts; elsewhere {@code size} fails with NotSupportedException giving the reason.
 * Capabilities are host facts found at open: COPY_ON_WRITE where the home clones files, QUOTA where it
 * has project quotas, and always XATTRS.
 */
package org.unionfs.driver.vfs;
