package org.unionfs.api.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.unionfs.api.Change;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.internal.PerKeyLock;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * The layer-tar engine: OCI/Docker layer tars in and out of a layer directory, and the changes between
 * two trees. Every driver uses it, naively through {@link org.unionfs.api.diff.NaiveDiffDriver} or
 * natively on its own layer directories. See the package documentation for the semantics, the safety
 * rules and the journal that makes an apply all or nothing.
 *
 * <pre>
 *   long size = LayerTar.apply(upperDir, layerTarGz, WhiteoutFormat.OVERLAY);   // native overlay apply
 *   List&lt;Change&gt; changes = LayerTar.changes(childView, parentView);             // docker diff
 *   LayerTar.writeChanges(childView, changes, out);                               // naive Diff
 *   LayerTar.writeTree(upperDir, WhiteoutFormat.OVERLAY, out);                    // native Diff
 * </pre>
 *
 * <p>Thread safety: all methods may be called from any thread; applies to the same layer directory are
 * serialised in this process, and an apply refuses a layer another process is applying to.
 */
public final class LayerTar {
  private static final int READ_BUFFER = 1 << 20;
  private static final PerKeyLock APPLY_LOCKS = new PerKeyLock();

  private LayerTar() {}

  /** The absolute layer root; it must be an existing directory (not a symlink). */
  static Path checkLayerRoot(Path layerRoot, String op) throws IOException {
    Objects.requireNonNull(layerRoot, "layerRoot");
    Path root = layerRoot.toAbsolutePath().normalize();
    Optional<FileStat> st = Posix.get().lstatIfExists(root);
    if (st.isEmpty()) {
      throw new LayerNotFoundException(op + " " + root + ": no such directory");
    }
    if (!st.get().isDirectory()) {
      throw new InvalidArgumentException(op + " " + root + ": not a directory");
    }
    return root;
  }

  /**
   * Applies a layer tar (plain, gzip, zstd or bzip2, detected by magic bytes) to {@code layerRoot} with
   * OCI "applied, not extracted" semantics (moby {@code UnpackLayer}). An interrupted earlier apply on
   * the same layer is rolled back first. All or nothing: on any failure the layer is left as it was.
   *
   * @param whiteouts how the layer directory stores whiteouts (see {@link WhiteoutFormat})
   * @return the sum of the sizes of the regular files in the tar (whiteouts count 0)
   * @throws org.unionfs.api.error.InvalidArgumentException for malformed or hostile input (a path
   *     escape, a write through a symlink, a bad header, a truncated archive), naming the member
   * @throws org.unionfs.api.error.NotSupportedException for a device node when not running as root
   * @throws org.unionfs.api.error.LayerNotFoundException if {@code layerRoot} does not exist
   * @throws org.unionfs.api.error.LayerInUseException if another process is applying to the layer
   */
  public static long apply(Path layerRoot, InputStream tar, WhiteoutFormat whiteouts)
      throws IOException {
    Objects.requireNonNull(tar, "tar");
    Objects.requireNonNull(whiteouts, "whiteouts");
    Path root = checkLayerRoot(layerRoot, "apply layer");
    try (PerKeyLock.Held held = APPLY_LOCKS.lock(root.toString())) {
      ApplyJournal.recover(root);
      FileStat before = Posix.get().lstat(root);
      ApplyJournal journal = ApplyJournal.begin(root);
      Applier applier = null;
      try {
        applier = new Applier(root, whiteouts, journal, before);
        long size = applier.run(new TarReader(Compression.decompress(tar), READ_BUFFER));
        journal.commit(applier.rootTimes());
        return size;
      } catch (IOException | RuntimeException | Error failed) {
        try {
          if (applier != null) {
            applier.abort();
          }
          journal.rollback();
        } catch (IOException | RuntimeException undo) {
          failed.addSuppressed(undo);
        }
        throw failed;
      }
    }
  }

  /**
   * Rolls back an apply that was interrupted (a crash or kill -9) in {@code layerRoot}; no-op if there
   * is none. {@link #apply} calls it first, so callers need it only to repair a layer without applying.
   *
   * @return true if an interrupted apply was rolled back
   */
  public static boolean recover(Path layerRoot) throws IOException {
    Path root = checkLayerRoot(layerRoot, "recover layer");
    try (PerKeyLock.Held held = APPLY_LOCKS.lock(root.toString())) {
      return ApplyJournal.recover(root);
    }
  }

  /**
   * moby {@code ChangesDirs(layer, parent)}: the changes of {@code layer} against {@code parent}.
   *
   * @param parent the older tree, or null for an empty tree
   * @return sorted by {@link Change#BY_PATH}
   */
  public static List<Change> changes(Path layer, Path parent) throws IOException {
    Path newRoot = checkLayerRoot(layer, "changes of");
    Path oldRoot = parent == null ? null : checkLayerRoot(parent, "changes against");
    return ChangeWalker.changes(newRoot, oldRoot);
  }

  /**
   * moby {@code ExportChanges}: a deterministic tar of {@code changes}, read from {@code layer}, with
   * whiteouts for deletions.
   */
  public static void writeChanges(Path layer, List<Change> changes, OutputStream out)
      throws IOException {
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(out, "out");
    ChangeExport.write(checkLayerRoot(layer, "export changes of"), changes, out);
  }

  /**
   * moby {@code ChangesSize}, made to agree with {@link #apply}: the sum of the sizes of the added and
   * modified regular files, each inode once. (moby also adds symlink target lengths, so that its DiffSize
   * differs from what ApplyDiff of the same diff returns; the {@code DiffDriver} contract forbids that.)
   */
  public static long changesSize(Path layer, List<Change> changes) throws IOException {
    Objects.requireNonNull(changes, "changes");
    return ChangeExport.size(checkLayerRoot(layer, "size of changes of"), changes);
  }

  /**
   * Native diff: a deterministic tar of a driver's own layer directory, its on-disk whiteouts (in
   * {@code whiteouts} format) converted to {@code .wh.} entries and driver bookkeeping
   * ({@code .wh..wh.aufs}, {@code .wh..wh.plnk}, {@code .wh..wh.orph}) never emitted. With
   * {@link WhiteoutFormat#DELETE} it is a plain tree ({@code docker export} of a full view).
   */
  public static void writeTree(Path dir, WhiteoutFormat whiteouts, OutputStream out)
      throws IOException {
    Objects.requireNonNull(whiteouts, "whiteouts");
    Objects.requireNonNull(out, "out");
    TreeExport.write(checkLayerRoot(dir, "export tree"), whiteouts, out);
  }

  /** moby {@code directory.Size}: the sum of the sizes of the non-directories, hardlinks counted once. */
  public static long treeSize(Path dir) throws IOException {
    return TreeExport.size(checkLayerRoot(dir, "size of tree"));
  }
}
