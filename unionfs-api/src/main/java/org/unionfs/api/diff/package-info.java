/**
 * Diffs for drivers that have no native ones: {@link org.unionfs.api.diff.NaiveDiffDriver} assembles
 * layers with {@code get}, walks them and moves data through the layer-tar engine
 * ({@link org.unionfs.api.layer.LayerTar}), as moby's {@code fsdiff.go} does.
 */
package org.unionfs.api.diff;
