package org.unionfs.api;

/**
 * A complete graphdriver: the layer lifecycle and the diff side (moby's {@code Driver}).
 *
 * <p>A driver that only implements {@link ProtoDriver} becomes a {@code GraphDriver} through
 * {@link org.unionfs.api.diff.NaiveDiffDriver}, which computes diffs by mounting and walking trees.
 */
public interface GraphDriver extends ProtoDriver, DiffDriver {}
