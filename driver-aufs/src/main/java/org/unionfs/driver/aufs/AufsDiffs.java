package org.unionfs.driver.aufs;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.Change;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.ProtoDriver;
import org.unionfs.api.LayerIds;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.UnionFileSystem;

/**
 * The diff side of aufs. Native (no mount) when {@code parent} is the layer's direct parent, as moby's
 * {@code isParent}; naive ({@link NaiveDiffDriver}: mount and walk both views) otherwise.
 *
 * <ul>
 *   <li>A layer without parents is its {@code diff/<id>}: the naive path mounts nothing for it, so it is
 *       used as it is; its applyDiff deletes what whiteouts name for real, since no branch lies below
 *       for a {@code .wh.} file to hide anything in (and {@code get} returns the directory itself).
 *   <li>changes against the direct parent walk only {@code diff/<id>} ({@link AufsChanges}), as moby's
 *       {@code archive.Changes}, with the parent's view read through an in-process read-only union.
 *   <li>diff exports exactly those changes from {@code diff/<id>} (every added or modified path is
 *       there; deletions become {@code .wh.} entries), so it is byte for byte the naive diff. moby tars
 *       {@code diff/<id>} as it is, which also carries entries copied up without a visible change (a
 *       hard link's copy-up, an xattr) and so breaks {@code applyDiff(diff) == diffSize}. aufs
 *       bookkeeping ({@code .wh..wh.aufs}, {@code .wh..wh.plnk}, {@code .wh..wh.orph}) never appears.
 *   <li>applyDiff untars into {@code diff/<id>} keeping whiteouts as {@code .wh.} files and returns the
 *       sum of the regular-file sizes of the tar (moby returns the size of {@code diff/<id>}).
 *   <li>diffSize is the regular-file bytes of the changes, which is what applyDiff of the diff returns.
 * </ul>
 */
final class AufsDiffs {
  private static final Logger LOG = LoggerFactory.getLogger(AufsDiffs.class);
  /** Spooled diff tars in the home; recovery deletes leftovers (they are unlinked once opened). */
  static final String SPOOL_PREFIX = ".diff-";

  private final AufsDriver driver;
  private final AufsLayout layout;
  private final GraphDriver naive;
  private final boolean naiveViewsAreCopies;
  private final AtomicLong nonce = new AtomicLong();

  /**
   * @param naiveViews what the naive diff mounts and walks: the driver itself when its views are
   *     directories (FUSE), real-directory copies of the views when they are {@code union:} paths (the
   *     layer-tar engine works through system calls on the default file system)
   */
  AufsDiffs(AufsDriver driver, AufsLayout layout, ProtoDriver naiveViews) {
    this.driver = driver;
    this.layout = layout;
    this.naive = NaiveDiffDriver.wrap(naiveViews);
    this.naiveViewsAreCopies = naiveViews instanceof ViewCopies;
  }

  /** How the diff of {@code id} against {@code parent} is computed. */
  private enum Mode { BASE, NATIVE, NAIVE }

  private Mode mode(String id, String parent) throws IOException {
    LayerIds.require(id);
    if (!layout.exists(id)) {
      throw new LayerNotFoundException("aufs: diff of layer " + id + ": not found");
    }
    if (parent != null && !parent.isEmpty()) {
      LayerIds.require(parent);
      if (!layout.exists(parent)) {
        throw new LayerNotFoundException("aufs: diff of layer " + id + ": parent " + parent + " not found");
      }
    }
    List<String> parents = layout.parents(id);
    boolean noParent = parent == null || parent.isEmpty();
    if (parents.isEmpty()) {
      return noParent ? Mode.BASE : Mode.NAIVE;
    }
    return !noParent && parents.get(0).equals(parent) ? Mode.NATIVE : Mode.NAIVE;
  }

  InputStream diff(String id, String parent) throws IOException {
    if (mode(id, parent) != Mode.NATIVE) {
      return naive.diff(id, parent);
    }
    Optional<List<Change>> changes = nativeChanges(id, parent);
    if (changes.isEmpty()) {
      return naive.diff(id, parent);
    }
    Path dir = layout.diff(id);
    return spool(id, out -> LayerTar.writeChanges(dir, changes.get(), out));
  }

  List<Change> changes(String id, String parent) throws IOException {
    if (mode(id, parent) != Mode.NATIVE) {
      return naive.changes(id, parent);
    }
    Optional<List<Change>> changes = nativeChanges(id, parent);
    return changes.isPresent() ? changes.get() : naive.changes(id, parent);
  }

  long diffSize(String id, String parent) throws IOException {
    if (mode(id, parent) != Mode.NATIVE) {
      return naive.diffSize(id, parent);
    }
    Optional<List<Change>> changes = nativeChanges(id, parent);
    if (changes.isEmpty()) {
      return naive.diffSize(id, parent);
    }
    return LayerTar.changesSize(layout.diff(id), changes.get());
  }

  long applyDiff(String id, String parent, InputStream tar) throws IOException {
    Objects.requireNonNull(tar, "tar");
    return switch (mode(id, parent)) {
      case BASE -> LayerTar.apply(layout.diff(id), tar, WhiteoutFormat.DELETE);
      case NATIVE -> LayerTar.apply(layout.diff(id), tar, WhiteoutFormat.AUFS);
      case NAIVE -> naiveViewsAreCopies && !layout.parents(id).isEmpty()
          // a copy of a union: view would take the tar and drop it; untarring into the layer's own
          // branch with aufs whiteouts gives the same view (the union honours them)
          ? LayerTar.apply(layout.diff(id), tar, WhiteoutFormat.AUFS)
          : naive.applyDiff(id, parent, tar);
    };
  }

  /**
   * The changes of {@code id} against its direct parent from its own branch, or empty when the branch
   * holds something only the union can interpret ({@link AufsChanges.Unsupported}).
   */
  private Optional<List<Change>> nativeChanges(String id, String parent) throws IOException {
    UnionConfig rw = driver.branches(parent, layout.parents(parent));
    UnionConfig ro = new UnionConfig(rw.branches().stream()
        .map(b -> UnionConfig.Branch.readOnly(b.path())).toList(),
        rw.whiteoutFormat(), rw.directoryRename(), rw.root());
    try (UnionFileSystem parentView = UnionFileSystem.open(ro)) {
      return Optional.of(AufsChanges.compute(layout.diff(id), parentView));
    } catch (AufsChanges.Unsupported e) {
      LOG.debug("aufs: naive changes for {}: {}", id, e.getMessage());
      return Optional.empty();
    }
  }

  /** Writes a tar. */
  @FunctionalInterface
  interface TarWriter {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes the tar to an unlinked file in the home and returns a stream of it: the caller reads at its
   * own pace, nothing stays acquired, and the space is freed when the stream is closed.
   */
  private InputStream spool(String id, TarWriter writer) throws IOException {
    Path file = layout.home().resolve(SPOOL_PREFIX + id + "-" + ProcessHandle.current().pid()
        + "-" + nonce.incrementAndGet());
    try {
      try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        writer.write(out);
      }
      return new FileInputStream(file.toFile());
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
