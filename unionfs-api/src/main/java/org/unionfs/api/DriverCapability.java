package org.unionfs.api;

/**
 * What a driver can do beyond the common contract. Tests and callers branch on capabilities, never on
 * driver names.
 */
public enum DriverCapability {
  /**
   * {@link DiffDriver#diff}, {@link DiffDriver#applyDiff} and {@link DiffDriver#diffSize} work on the
   * layer's own directory when the parent is the direct parent, without mounting and walking both trees.
   * Drivers without it compute diffs naively; results are the same.
   */
  NATIVE_DIFF,
  /** A child layer shares its parent's data until written (overlay, aufs, thin snapshots, reflink copies). */
  COPY_ON_WRITE,
  /** The {@code size} storage option limits how much a read-write layer can hold. */
  QUOTA,
  /** Every extended attribute namespace (security, trusted, user) is kept. */
  XATTRS,
  /** A directory that came from a lower layer can be renamed in a child (no EXDEV). */
  RENAME_DIRECTORY_FROM_LOWER,
  /**
   * A file hard-linked in a lower layer stays one inode when one of its names is changed in a child
   * layer: every name sees the change (a full copy, a block-level snapshot, aufs-style pseudo-links).
   * Kernel overlayfs mounted with {@code index=off}, as Docker mounts it, copies up only the changed
   * name, so the other names keep the old content; overlay2 does not declare this.
   */
  HARDLINKS_ACROSS_LAYERS,
  /** The driver needs root (mounts, device nodes, loop devices). */
  REQUIRES_ROOT,
  /**
   * {@link ProtoDriver#get} mounts something that lives only as long as this process (a FUSE mount),
   * so a command-line {@code get} must stay in the foreground to keep it.
   */
  PROCESS_BOUND_MOUNTS
}
