package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
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
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * The diff side of overlay2. As in moby, the native path is taken when the probe allows native diff
 * and {@code parent} is the layer's direct parent (or null for a layer without one); otherwise every
 * operation is naive (mount and walk both views).
 *
 * <p>Native here means: no walk of the views. The changes are read from the layer's own {@code diff/}
 * ({@link NativeChanges}; only the parent's view is consulted, by lstat, for the paths the diff
 * directory names), and diff/diffSize export/size exactly those changes, reading the files from
 * {@code diff/} (every added or modified path is there). The result is therefore byte for byte the
 * naive one, as {@link org.unionfs.api.DriverCapability#NATIVE_DIFF} promises. moby instead tars
 * {@code diff/} as it is, which also carries files copied up without a visible change (an
 * {@code open(O_WRONLY)}, a user xattr), so its native and naive diffs of one layer differ. A layer
 * without parent is its {@code diff/}: its diff is the tar of that directory, overlay whiteouts
 * converted to {@code .wh.} entries. applyDiff untars into {@code diff/} with overlay whiteouts
 * (character device 0/0, {@code overlay.opaque=y} for {@code .wh..wh..opq}) and returns the sum of the
 * regular-file sizes of the tar (moby returns the size of {@code diff/} afterwards).
 *
 * <p>moby always computes changes naively (its native reading mishandled opaque directories); here
 * they are native under the same conditions as diff, falling back to naive whenever the diff directory
 * holds something only a mount can interpret, or metacopy is on.
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
    if (parent == null) {
      return TarStream.start(id, out -> LayerTar.writeTree(dir, whiteouts, out), () -> { });
    }
    Optional<List<Change>> changes = nativeChanges(id, parent);
    if (changes.isEmpty()) {
      return naive.diff(id, parent);
    }
    List<Change> list = changes.get();
    return TarStream.start(id, out -> LayerTar.writeChanges(dir, list, out), () -> { });
  }

  long diffSize(String id, String parent) throws IOException {
    if (!isNative(id, parent)) {
      return naive.diffSize(id, parent);
    }
    if (parent == null) {
      return regularFileBytes(layout.diff(id));
    }
    Optional<List<Change>> changes = nativeChanges(id, parent);
    if (changes.isEmpty()) {
      return naive.diffSize(id, parent);
    }
    return LayerTar.changesSize(layout.diff(id), changes.get());
  }

  /**
   * The sum of the sizes of the regular files under {@code dir}, each inode once: what applying the
   * tar of that directory reports (the tar carries hardlinks once and symlinks with size 0).
   */
  private long regularFileBytes(Path dir) throws IOException {
    long[] total = {0};
    Set<String> seen = new HashSet<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        FileStat st = posix.lstat(file);
        if (st.isRegularFile() && (st.nlink() < 2 || seen.add(st.dev() + ":" + st.ino()))) {
          total[0] += st.size();
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
  }

  long applyDiff(String id, String parent, InputStream tar) throws IOException {
    Objects.requireNonNull(tar, "tar");
    if (!isNative(id, parent)) {
      return naive.applyDiff(id, parent, tar);
    }
    return LayerTar.apply(layout.diff(id), tar, whiteouts);
  }

  List<Change> changes(String id, String parent) throws IOException {
    if (!isNative(id, parent)) {
      return naive.changes(id, parent);
    }
    if (parent == null) {
      return LayerTar.changes(layout.diff(id), null); // the view of a layer without parent is diff/
    }
    Optional<List<Change>> changes = nativeChanges(id, parent);
    return changes.isPresent() ? changes.get() : naive.changes(id, parent);
  }

  /**
   * The changes of {@code id} against its direct parent read from its diff directory, or empty when
   * only the naive comparison can be trusted (metacopy, or something {@link NativeChanges} cannot
   * interpret).
   */
  private Optional<List<Change>> nativeChanges(String id, String parent) throws IOException {
    if (support.usingMetacopy()) {
      return Optional.empty();
    }
    Path parentView = driver.get(parent, "");
    try {
      return Optional.of(NativeChanges.compute(posix, layout.diff(id), parentView, support.xattrPrefix()));
    } catch (NativeChanges.Unsupported e) {
      LOG.debug("overlay2: naive changes for {}: {}", id, e.getMessage());
      return Optional.empty();
    } finally {
      driver.put(parent);
    }
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
