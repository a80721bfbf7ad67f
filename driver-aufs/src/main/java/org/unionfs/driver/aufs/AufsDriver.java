package org.unionfs.driver.aufs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.internal.AtomicFiles;
import org.unionfs.api.internal.PerKeyLock;
import org.unionfs.api.internal.RefCounter;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.union.UnionConfig;

/**
 * The aufs layer lifecycle on the union engine: Docker's aufs layout, layers assembled by a FUSE mount
 * of the union of {@code diff/<id>} over its ancestors' {@code diff/} directories. See the package
 * documentation for the layout and where this differs from moby's aufs.
 */
final class AufsDriver implements GraphDriver {
  /** What every aufs driver can do (the union engine breaks lower hard links on copy-up, as aufs). */
  static final Set<DriverCapability> CAPABILITIES = Set.of(DriverCapability.NATIVE_DIFF,
      DriverCapability.COPY_ON_WRITE, DriverCapability.RENAME_DIRECTORY_FROM_LOWER,
      DriverCapability.PROCESS_BOUND_MOUNTS, DriverCapability.REQUIRES_ROOT, DriverCapability.XATTRS);
  /** What an aufs driver in {@code aufs.mountmode=nio} can do: the same, without root. */
  static final Set<DriverCapability> NIO_CAPABILITIES = Set.of(DriverCapability.NATIVE_DIFF,
      DriverCapability.COPY_ON_WRITE, DriverCapability.RENAME_DIRECTORY_FROM_LOWER,
      DriverCapability.PROCESS_BOUND_MOUNTS, DriverCapability.XATTRS);
  /** Ancestors a layer may have: the union's branch limit minus the layer's own branch. */
  static final int MAX_ANCESTORS = UnionConfig.MAX_BRANCHES - 1;

  private final AufsLayout layout;
  private final LayerViews mounts;
  private final Set<DriverCapability> capabilities;
  private final AufsDiffs diffs;
  private final PerKeyLock locks = new PerKeyLock();
  private final RefCounter refs = new RefCounter();

  private AufsDriver(AufsLayout layout, LayerViews mounts, Set<DriverCapability> capabilities) {
    this.layout = layout;
    this.mounts = mounts;
    this.capabilities = capabilities;
    this.diffs = new AufsDiffs(this, layout,
        mounts instanceof AufsNioViews ? new ViewCopies(this, layout) : this);
  }

  /**
   * Opens (creating if needed) the home and recovers from a crash of the process that had it open.
   *
   * @param sharedMounts other processes may serve mounts of this home (the command line's foreground
   *     {@code get}): then only dead mounts are cleared on open
   */
  static AufsDriver open(Path home, Map<String, String> options, boolean sharedMounts)
      throws IOException {
    AufsOptions opts = AufsOptions.parse(options); // moby's aufs takes none; ours the mount mode
    AufsLayout layout = AufsLayout.prepare(home);
    AufsRecovery.run(layout, sharedMounts);
    return opts.mountMode() == AufsOptions.MountMode.NIO
        ? new AufsDriver(layout, new AufsNioViews(), NIO_CAPABILITIES)
        : new AufsDriver(layout, new AufsMounts(), CAPABILITIES);
  }

  AufsLayout layout() {
    return layout;
  }

  @Override
  public String name() {
    return AufsDriverProvider.NAME;
  }

  @Override
  public Set<DriverCapability> capabilities() {
    return capabilities;
  }

  @Override
  public void create(String id, String parent, CreateOptions options) throws IOException {
    createLayer(id, parent, options);
  }

  /** The same as {@link #create}: moby's aufs mounts every layer read-write. */
  @Override
  public void createReadWrite(String id, String parent, CreateOptions options) throws IOException {
    createLayer(id, parent, options);
  }

  private void createLayer(String id, String parentArg, CreateOptions options) throws IOException {
    LayerIds.require(id);
    String parent = LayerIds.requireParent(parentArg);
    if (id.equals(parent)) {
      throw new InvalidArgumentException("aufs: layer " + id + " cannot be its own parent");
    }
    if (options != null && !options.storageOptions().isEmpty()) {
      // moby: "--storage-opt is not supported for aufs"
      throw new InvalidArgumentException("aufs: layer " + id + ": storage options are not supported: "
          + String.join(", ", options.storageOptions().keySet()));
    }
    try (PerKeyLock.Held held = parent == null ? locks.lock(id) : locks.lockAll(id, parent)) {
      if (layout.exists(id)) {
        throw new LayerExistsException("aufs: layer " + id + " already exists");
      }
      List<String> parents = new ArrayList<>();
      if (parent != null) {
        if (!layout.exists(parent)) {
          throw new LayerNotFoundException("aufs: parent layer " + parent + " of " + id + " does not exist");
        }
        parents.add(parent);
        parents.addAll(layout.parents(parent));
        if (parents.size() > MAX_ANCESTORS) {
          throw new InvalidArgumentException("aufs: layer " + id + " would have " + parents.size()
              + " ancestors; at most " + MAX_ANCESTORS + " fit one union");
        }
      }
      build(id, parents);
    }
  }

  /**
   * Makes {@code diff/<id>} and {@code mnt/<id>}, then writes {@code layers/<id>}: the layer exists only
   * once all three are there, and recovery deletes directories without a layers file.
   */
  private void build(String id, List<String> parents) throws IOException {
    Path diff = layout.diff(id);
    Path mnt = layout.mnt(id);
    try {
      FileTrees.deleteTree(diff); // leftovers of a crash before the layers file was written
      deleteEmptyDir(mnt);
      Files.createDirectory(diff);
      Posix.get().chmod(diff, 0755);
      Files.createDirectory(mnt);
      Posix.get().chmod(mnt, 0755);
      layout.writeParents(id, parents);
    } catch (IOException | RuntimeException e) {
      try {
        if (!layout.exists(id)) {
          FileTrees.deleteTree(diff);
          deleteEmptyDir(mnt);
        }
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static void deleteEmptyDir(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(dir);
    }
  }

  @Override
  public void remove(String id) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!layout.exists(id)) {
        throw new LayerNotFoundException("aufs: layer " + id + " does not exist");
      }
      int count = refs.get(id);
      if (count > 0 || mounts.isMounted(id)) {
        throw new LayerInUseException("aufs: layer " + id + " is in use: held by " + count
            + " get(s) without put");
      }
      if (AufsMounts.mountPointsUnder(layout.mntDir()).contains(layout.mnt(id))) {
        throw new LayerInUseException("aufs: layer " + id + " is mounted at " + layout.mnt(id)
            + " by another process");
      }
      List<String> children = children(id);
      if (!children.isEmpty()) {
        throw new LayerInUseException("aufs: layer " + id + " has children: " + String.join(", ", children));
      }
      // As moby: rename out of sight first, then delete. The layers file goes between the two, so a
      // crash leaves either the whole layer or a scratch directory that recovery deletes.
      Path diffScratch = layout.removing(layout.diffDir(), id);
      if (Files.exists(layout.diff(id), LinkOption.NOFOLLOW_LINKS)) {
        AtomicFiles.moveAtomically(layout.diff(id), diffScratch);
      }
      Files.deleteIfExists(layout.layersFile(id));
      AtomicFiles.fsyncDirectory(layout.layersDir());
      FileTrees.deleteTree(diffScratch);
      deleteEmptyDir(layout.mnt(id));
    }
  }

  /** Layers whose direct parent is {@code id}, sorted. */
  private List<String> children(String id) throws IOException {
    List<String> children = new ArrayList<>();
    for (String other : layout.ids()) {
      if (other.equals(id)) {
        continue;
      }
      List<String> parents;
      try {
        parents = layout.parents(other);
      } catch (LayerNotFoundException e) {
        continue; // removed meanwhile
      }
      if (!parents.isEmpty() && parents.get(0).equals(id)) {
        children.add(other);
      }
    }
    return children;
  }

  @Override
  public boolean exists(String id) {
    return LayerIds.isValid(id) && layout.exists(id);
  }

  /**
   * A layer without parents is its {@code diff/<id>} (no mount, as moby); any other is mounted at
   * {@code mnt/<id>} by the first get, read-write over its ancestors read-only (with
   * {@code aufs.mountmode=nio}: the root of a {@code union:} file system over the same branches).
   */
  @Override
  public Path get(String id, String mountLabel) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!layout.exists(id)) {
        throw new LayerNotFoundException("aufs: layer " + id + " does not exist");
      }
      List<String> parents = layout.parents(id);
      UnionConfig branches = branches(id, parents);
      if (refs.increment(id) == 1 && !parents.isEmpty()) {
        try {
          mounts.mount(id, branches, layout.mnt(id));
        } catch (IOException | RuntimeException e) {
          refs.decrement(id);
          throw e;
        }
      }
      return parents.isEmpty() ? layout.diff(id) : mounts.path(id, layout.mnt(id));
    }
  }

  /** The union of the layer: its own branch read-write, its ancestors read-only, nearest first. */
  UnionConfig branches(String id, List<String> parents) throws IOException {
    List<UnionConfig.Branch> branches = new ArrayList<>(parents.size() + 1);
    branches.add(UnionConfig.Branch.readWrite(requireDiff(id, id)));
    for (String p : parents) {
      branches.add(UnionConfig.Branch.readOnly(requireDiff(id, p)));
    }
    return new UnionConfig(branches, UnionConfig.WhiteoutFormat.AUFS,
        UnionConfig.DirectoryRename.COPY_UP, UnionConfig.processIsRoot());
  }

  private Path requireDiff(String id, String branch) throws IOException {
    Path d = layout.diff(branch);
    if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      throw new LayerCorruptException("aufs: layer " + id + ": branch " + d + " of layer " + branch
          + " is missing");
    }
    return d;
  }

  @Override
  public void put(String id) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!layout.exists(id)) {
        throw new LayerNotFoundException("aufs: layer " + id + " does not exist");
      }
      int left = refs.decrement(id);
      if (left < 0) {
        throw new InvalidArgumentException("aufs: put of layer " + id + " without a matching get");
      }
      if (left == 0) {
        mounts.unmount(id);
      }
    }
  }

  /** moby's four pairs; Dirperm1 is true: copy-up keeps a lower directory's permissions. */
  @Override
  public DriverStatus status() throws IOException {
    return DriverStatus.builder()
        .add("Root Dir", layout.home().toString())
        .add("Backing Filesystem", Posix.get().statfs(layout.home()).dockerName())
        .add("Dirs", Integer.toString(layout.ids().size()))
        .add("Dirperm1 Supported", "true")
        .build();
  }

  /** Empty, as Docker's aufs ({@code GetMetadata} returns nil). */
  @Override
  public Map<String, String> metadata(String id) throws IOException {
    LayerIds.require(id);
    if (!layout.exists(id)) {
      throw new LayerNotFoundException("aufs: layer " + id + " does not exist");
    }
    return Map.of();
  }

  @Override
  public InputStream diff(String id, String parent) throws IOException {
    return diffs.diff(id, parent);
  }

  @Override
  public List<Change> changes(String id, String parent) throws IOException {
    return diffs.changes(id, parent);
  }

  @Override
  public long applyDiff(String id, String parent, InputStream tar) throws IOException {
    return diffs.applyDiff(id, parent, tar);
  }

  @Override
  public long diffSize(String id, String parent) throws IOException {
    return diffs.diffSize(id, parent);
  }

  /** Unmounts every layer this driver mounted and forgets every reference. Idempotent. */
  @Override
  public void close() throws IOException {
    refs.drain();
    mounts.unmountAll();
  }

  @Override
  public String toString() {
    return "aufs(" + layout.home() + ")";
  }
}
