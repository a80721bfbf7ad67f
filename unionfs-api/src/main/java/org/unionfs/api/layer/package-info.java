/**
 * The layer-tar engine: OCI/Docker layer tars applied to and produced from layer directories
 * ({@link org.unionfs.api.layer.LayerTar}), with the whiteout format of the driver
 * ({@link org.unionfs.api.layer.WhiteoutFormat}).
 *
 * <h2>Apply</h2>
 * OCI "applied, not extracted" semantics, as moby's {@code UnpackLayer}: {@code .wh.<name>} hides
 * {@code <name>} of the layers below, never an entry of the same tar; {@code <dir>/.wh..wh..opq} hides every
 * lower child of {@code <dir>} as if it came first, wherever it stands; a bare {@code .wh.} is an error; an
 * existing path is replaced unless old and new are both directories (then only the metadata changes);
 * missing parents are created 0755; directory mtimes are set after all entries. Every member kind is
 * created (devices need root); xattrs come from PAX {@code SCHILY.xattr.*} (and libarchive's
 * {@code LIBARCHIVE.xattr.*}); {@code trusted.overlay.*} from a tar is refused. Both tar dialects of real
 * images are read (GNU base layers with {@code ./} names and permission-only modes, ustar+PAX engine
 * layers); a whiteout's link name (a docker quirk) is ignored. Top-level aufs bookkeeping
 * ({@code .wh..wh.*}) is skipped; files under {@code .wh..wh.plnk/} serve as hardlink targets only.
 *
 * <p>Whiteouts are stored per format: {@link org.unionfs.api.layer.WhiteoutFormat#DELETE} removes the
 * lower entries present in the directory (vfs, naive drivers: the layer holds its parent's full view);
 * {@link org.unionfs.api.layer.WhiteoutFormat#AUFS} keeps the {@code .wh.} files;
 * {@link org.unionfs.api.layer.WhiteoutFormat#overlay} writes character devices 0/0 and
 * {@code <prefix>overlay.opaque=y}. In every format, lower content present in the directory is hidden too.
 *
 * <h2>Safety</h2>
 * Nothing is written outside the layer: a {@code ..} component anywhere in a name or link target is
 * refused; absolute names are taken relative to the layer; every parent component is checked with
 * {@code lstat} (created 0755 if missing) and must be a real directory, never a symlink (from the tar or
 * already in the layer); files are created with {@code O_EXCL}, symlinks and devices with calls that fail
 * on an existing name, and metadata is set with calls that do not follow symlinks; a hardlink target must
 * be an existing non-directory of the layer, reached without symlinks. Errors are
 * {@link org.unionfs.api.error.InvalidArgumentException}s naming the member ("entry #12 'a/passwd'").
 *
 * <h2>Atomicity: journal and roll back</h2>
 * An apply is all or nothing. It keeps an undo journal in {@code <layer>/.wh..wh.unionfs-journal/} (inside
 * the layer, so that renames stay on one filesystem; an aufs metadata name, which layer tools and this
 * engine's change detection and exports never treat as content). Before the apply changes anything that
 * existed, a record is appended to the journal's log (one {@code write(2)}, before the change):
 * <ul>
 *   <li>a pre-existing entry to be replaced or hidden is renamed into the journal ({@code aside/<n>}),
 *       never deleted during the apply;
 *   <li>an entry created where nothing pre-existing remains is recorded (entries created below a
 *       directory the apply created are not: removing that directory removes them);
 *   <li>a pre-existing directory's mode, owner, times and the xattrs about to be set are recorded before
 *       the first change to it or inside it; the root's times at the start.
 * </ul>
 * On success a commit record is written, then the journal (with what was moved aside) is deleted. On a
 * failure the apply undoes the records newest first (created entries removed, moved entries renamed back,
 * metadata restored) and deletes the journal. A process killed in the middle ({@code kill -9}, a power
 * cut with the log on disk) leaves the journal behind: the next {@link org.unionfs.api.layer.LayerTar#apply}
 * on that layer, or {@link org.unionfs.api.layer.LayerTar#recover}, rolls it back (or, after the commit
 * record, finishes the clean-up). Roll-back truncates the log after each undone record, so an interrupted
 * roll-back resumes exactly. The log is not fsync-ed (moby's ApplyDiff does not fsync either): after a
 * kernel crash the journal is only as complete as the page cache made it. Change times (ctime) and
 * access times of untouched entries are not restored.
 *
 * <h2>Changes and diffs</h2>
 * {@link org.unionfs.api.layer.LayerTar#changes} is moby's {@code ChangesDirs} rule for rule
 * ({@code ChangeWalker}); {@link org.unionfs.api.layer.LayerTar#writeChanges} moby's {@code ExportChanges}
 * and {@link org.unionfs.api.layer.LayerTar#writeTree} its {@code TarWithOptions} with whiteout
 * conversion. Both write deterministic tars: sorted members, whole-second mtimes, no atime or ctime,
 * ustar with PAX records only where needed, type bits in the mode field (as Go writes them), empty
 * user/group names, directories with a trailing '/', the second and later paths of an inode as hardlinks
 * to the first. Naive and native diffs both export every xattr but overlayfs's own (as containers/storage
 * and umoci do; moby's naive diff exports only {@code security.capability}), so that a layer
 * round-trips exactly and a naive and a native diff of the same layer carry the same entries.
 *
 * <h2>Speed and memory</h2>
 * Tars are read and written in one streaming pass with 1 MiB / 256 KiB buffers; file data is never held
 * whole (memory is constant in the size of a layer, {@code -Xmx64m} suffices for any size), except that
 * files up to 1 MiB are handed to worker threads (at most 32 MiB in flight) so that inode creation uses
 * every core (as many threads as cores, at most 4; system property {@code unionfs.apply.writers}
 * overrides, 0 for none). Per entry the apply makes one create call, its data writes, {@code lchown}, {@code chmod}
 * only when the create's mode was not already right, xattr calls only for entries that carry xattrs, and
 * {@code utimensat}; below a directory it created it needs no {@code lstat}. Change detection makes one
 * {@code lstat} per entry and side, reads {@code security.capability} only for stat-equal pairs, and
 * skips subtrees with the same device and inode on both sides.
 */
package org.unionfs.api.layer;
