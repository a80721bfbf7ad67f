/**
 * The graphdriver conformance suite, a test artifact any driver runs with one short subclass of
 * {@link org.unionfs.testkit.GraphDriverConformance} (or
 * {@link org.unionfs.testkit.GraphDriverProviderConformance}).
 *
 * <p>Sources of the checks: moby's graphtest ({@code daemon/graphdriver/graphtest}) with its exact
 * expectations, containerd's snapshotter suite ({@code core/snapshots/testsuite}: flat-oracle
 * comparison of every layer, and its regression cases), and the contract of
 * {@link org.unionfs.api.ProtoDriver} and {@link org.unionfs.api.DiffDriver}.
 *
 * <p>The oracle: {@link org.unionfs.testkit.Fixture}s of {@link org.unionfs.testkit.FsOp}s are applied
 * to a plain directory and to a layer's view, stamping every touched entry with a fixed time, so that
 * {@link org.unionfs.testkit.TreeManifest}s of both compare exactly with
 * {@link org.unionfs.testkit.TreeAssert}; {@link org.unionfs.testkit.ExpectedChanges} derives what
 * changes, diffSize and a diff round trip must give from two manifests, with moby's rules.
 */
package org.unionfs.testkit;
