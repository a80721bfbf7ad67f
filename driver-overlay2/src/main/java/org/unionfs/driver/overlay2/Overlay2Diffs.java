package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.Change;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;
import org.unionfs.api.posix.Posix;

/**
 * The diff side of overlay2. As moby: when the probe allows native diff and {@code parent} is the
 * layer's direct parent (or null for a layer without one), diff, diffSize and applyDiff work on the
 * layer's own {@code diff/} directory, converting overlay whiteouts (character device 0/0, opaque xattr)
 * to and from {@code .wh.} entries; otherwise they are naive (mount and walk both views).
 *
 * <p>Unlike moby, which always computes changes naively, changes are native under the same conditions
 * (see {@link NativeChanges}), falling back to naive whenever the diff directory holds something only a
 * mount can interpret, or metacopy is on.
 *
 * <p>Native applyDiff returns what the layer-tar engine reports (the sum of the regular-file sizes in
 * the tar), as the {@link org.unionfs.api.DiffDriver} contract says; moby returns the size of the diff
 * directory afterwards, which also counts symlink targets. Native diffSize is moby's
 * {@code directory.Size} of the diff directory.
 */
final class Overlay2Diffs {
  private static final Logger LOG = LoggerFactory.getLogger(Overlay2Diffs.class);

  private final Overlay2Driver driver;
  private final Overlay2Layout layout;
  private final OverlaySupport support;
  private final Posix posix;
  private final GraphDriver naive;
  private final WhiteoutFormat whiteouts;

  Overlay2Diffs(Overlay2Driver driver, Overlay2Layout layout, OverlaySupport support, Posix posix) {
    this.driver = driver;
    this.layout = layout;
    this.support = support;
    this.posix = posix;
    this.naive = NaiveDiffDriver.wrap(driver);
    this.whiteouts = WhiteoutFormat.overlay(support.userxattr() ? "user." : "trusted.");
  }

  InputStream diff(String id, String parent) throws IOException {
    if (!isNative(id, parent)) {
      return naive.diff(id, parent);
    }
    Path dir = layout.diff(id);
    return TarStream.start(id, out -> LayerTar.writeTree(dir, whiteouts, out), () -> { });
  }

  long diffSize(String id, String parent) throws IOException {
    if (!isNative(id, parent)) {
      return naive.diffSize(id, parent);
    }
    return LayerTar.treeSize(layout.diff(id));
  }

  long applyDiff(String id, String parent, InputStream tar) throws IOException {
    Objects.requireNonNull(tar, "tar");
    if (!isNative(id, parent)) {
      return naive.applyDiff(id, parent, tar);
    }
    return LayerTar.apply(layout.diff(id), tar, whiteouts);
  }

  List<Change> changes(String id, String parent) throws IOException {
    if (!isNative(id, parent) || support.usingMetacopy()) {
      return naive.changes(id, parent);
    }
    if (parent == null) {
      return LayerTar.changes(layout.diff(id), null); // the view of a layer without parent is diff/
    }
    Path parentView = driver.get(parent, "");
    try {
      return NativeChanges.compute(posix, layout.diff(id), parentView, support.xattrPrefix());
    } catch (NativeChanges.Unsupported e) {
      LOG.debug("overlay2: naive changes for {}: {}", id, e.getMessage());
    } finally {
      driver.put(parent);
    }
    return naive.changes(id, parent);
  }

  /**
   * Whether the diff of {@code id} against {@code parent} can be read from {@code id}'s diff directory:
   * native diff is safe here and {@code parent} is its direct parent (moby {@code isParent}).
   */
  boolean isNative(String id, String parent) throws IOException {
    if (!layout.exists(id)) {
      throw new LayerNotFoundException("diff of layer " + id + ": not found");
    }
    if (parent != null && !layout.exists(parent)) {
      throw new LayerNotFoundException("diff of layer " + id + ": parent " + parent + " not found");
    }
    if (!support.nativeDiff()) {
      return false;
    }
    Optional<List<String>> lower = layout.readLower(id);
    if (parent == null) {
      return lower.isEmpty();
    }
    return lower.isPresent() && layout.layerOf(lower.get().get(0)).equals(parent);
  }
}
