package org.unionfs.driver.vfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.LayerIds;
import org.unionfs.api.ProtoDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.fs.TreeCopier;
import org.unionfs.api.internal.AtomicFiles;
import org.unionfs.api.internal.PerKeyLock;
import org.unionfs.api.internal.RefCounter;
import org.unionfs.api.quota.ProjectQuota;

/**
 * The vfs layer lifecycle (moby's vfs {@code Driver}): every layer is a full copy of its parent in
 * {@code dir/<id>}, cloned with reflinks where the home's filesystem has them. See the package
 * documentation for the layout and the differences from Docker.
 */
final class VfsDriver implements ProtoDriver {
  /** Project quotas of the home, or the reason there are none. */
  private record Quotas(Optional<ProjectQuota> quota, String reason) {
    static Quotas probe(Path home) throws IOException {
      String reason = ProjectQuota.unsupportedReason(home);
      return new Quotas(reason.isEmpty() ? ProjectQuota.open(home) : Optional.empty(), reason);
    }
  }

  private final VfsHome home;
  private final VfsOptions options;
  private final boolean reflink;
  /** Found on first need: the probe costs a quotactl binding (~0.1-0.5 s), which most calls never use. */
  private Quotas quotas;
  private final LayerRecords records;
  private final PerKeyLock locks = new PerKeyLock();
  private final RefCounter refs = new RefCounter();
  private final AtomicLong nonce = new AtomicLong();

  private VfsDriver(VfsHome home, VfsOptions options, boolean reflink) {
    this.home = home;
    this.options = options;
    this.reflink = reflink;
    this.records = new LayerRecords(home.meta());
  }

  private synchronized Quotas quotas() throws IOException {
    if (quotas == null) {
      quotas = Quotas.probe(home.root());
    }
    return quotas;
  }

  /** Opens (creating if needed) the home, recovers from interrupted work, probes reflink. */
  static VfsDriver open(Path homeDir, Map<String, String> optionMap) throws IOException {
    VfsOptions options = VfsOptions.parse(optionMap);
    VfsHome home = VfsHome.prepare(homeDir);
    VfsDriver driver = new VfsDriver(home, options, home.reflinkWorks());
    if (options.defaultSize() > 0 && driver.quotas().quota().isEmpty()) {
      throw new NotSupportedException("vfs: option size=" + options.defaultSize()
          + " needs project quotas: " + driver.quotas().reason());
    }
    driver.recover();
    return driver;
  }

  /** Drops the traces of creates and removes that a crash interrupted. */
  private void recover() throws IOException {
    home.removeAbandonedTemps();
    for (String id : records.ids()) {
      if (!isLayerDir(id)) {
        records.delete(id);
      }
    }
  }

  @Override
  public String name() {
    return VfsDriverProvider.NAME;
  }

  /**
   * XATTRS, RENAME_DIRECTORY_FROM_LOWER and HARDLINKS_ACROSS_LAYERS always (a layer is a full copy:
   * nothing of the parent is shared at the directory or inode level); COPY_ON_WRITE when the home
   * cloned a probe file at open; QUOTA when the home has project quotas (probed on the first call).
   */
  @Override
  public Set<DriverCapability> capabilities() {
    EnumSet<DriverCapability> caps = EnumSet.of(DriverCapability.XATTRS,
        DriverCapability.RENAME_DIRECTORY_FROM_LOWER, DriverCapability.HARDLINKS_ACROSS_LAYERS);
    if (reflink) {
      caps.add(DriverCapability.COPY_ON_WRITE);
    }
    try {
      if (quotas().quota().isPresent()) {
        caps.add(DriverCapability.QUOTA);
      }
    } catch (IOException e) {
      // the home cannot be examined: no quota, and the next call that needs it reports why
    }
    return Set.copyOf(caps);
  }

  @Override
  public void create(String id, String parent, CreateOptions options) throws IOException {
    createLayer(id, parent, options, false);
  }

  @Override
  public void createReadWrite(String id, String parent, CreateOptions options) throws IOException {
    createLayer(id, parent, options, true);
  }

  private void createLayer(String id, String parentArg, CreateOptions createOptions, boolean readWrite)
      throws IOException {
    LayerIds.require(id);
    String parent = LayerIds.requireParent(parentArg);
    if (id.equals(parent)) {
      throw new InvalidArgumentException("vfs: layer " + id + " cannot be its own parent");
    }
    CreateOptions opts = createOptions == null ? CreateOptions.NONE : createOptions;
    long size = options.layerSize(id, opts.storageOptions(), readWrite);
    Optional<ProjectQuota> quota = size > 0 ? quotas().quota() : Optional.empty();
    if (size > 0 && quota.isEmpty()) {
      throw new NotSupportedException("vfs: layer " + id + ": storage option size needs project quotas: "
          + quotas().reason());
    }
    try (PerKeyLock.Held held = locks.lockAll(id, parent)) {
      if (isLayerDir(id)) {
        throw new LayerExistsException("vfs: layer " + id + " already exists");
      }
      if (parent != null && !isLayerDir(parent)) {
        throw new LayerNotFoundException("vfs: parent layer " + parent + " of " + id + " does not exist");
      }
      build(id, parent, readWrite, size, quota);
    }
  }

  /** Builds the layer in tmp/ and renames it into dir/ only when complete. */
  private void build(String id, String parent, boolean readWrite, long size,
      Optional<ProjectQuota> quota) throws IOException {
    Path tmp = home.newTemp("create", id, nonce.incrementAndGet());
    boolean recorded = false;
    try {
      Files.createDirectory(tmp);
      home.chmod(tmp, 0755);
      if (size > 0) {
        quota.orElseThrow().setQuota(tmp, size); // before the copy, so the copy is charged too (moby)
      }
      if (parent != null) {
        TreeCopier.copyTree(home.layer(parent), tmp);
      }
      records.write(id, new LayerRecords.Record(parent, readWrite, size));
      recorded = true;
      // No fsync of the tree or of dir/ (moby's vfs syncs nothing either): journaling filesystems commit
      // the rename after the entries it moves, so a crash may lose a new layer but never shows half of
      // one; syncing would cost a full btrfs transaction commit per create.
      AtomicFiles.moveAtomically(tmp, home.layer(id));
    } catch (IOException | RuntimeException e) {
      try {
        if (recorded && !isLayerDir(id)) {
          records.delete(id);
        }
        FileTrees.deleteTree(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  @Override
  public void remove(String id) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!isLayerDir(id)) {
        throw new LayerNotFoundException("vfs: layer " + id + " does not exist");
      }
      int count = refs.get(id);
      if (count > 0) {
        throw new LayerInUseException("vfs: layer " + id + " is in use: held by " + count
            + " get(s) without put");
      }
      List<String> children = children(id);
      if (!children.isEmpty()) {
        throw new LayerInUseException("vfs: layer " + id + " has children: " + String.join(", ", children));
      }
      boolean limited = records.read(id).map(r -> r.size() > 0).orElse(false);
      // The rename makes the layer vanish at once; the slow delete happens out of sight.
      Path doomed = home.newTemp("remove", id, nonce.incrementAndGet());
      AtomicFiles.moveAtomically(home.layer(id), doomed);
      records.delete(id);
      if (limited && quotas().quota().isPresent()) {
        quotas().quota().get().clear(doomed);
      }
      FileTrees.deleteTree(doomed);
    }
  }

  /** Layers whose record names {@code id} as parent and that exist, sorted. */
  private List<String> children(String id) throws IOException {
    List<String> children = new ArrayList<>();
    for (String other : records.ids()) {
      Optional<LayerRecords.Record> r = records.read(other);
      if (r.isPresent() && id.equals(r.get().parent()) && isLayerDir(other)) {
        children.add(other);
      }
    }
    children.sort(null);
    return children;
  }

  @Override
  public boolean exists(String id) {
    return LayerIds.isValid(id) && isLayerDir(id);
  }

  private boolean isLayerDir(String id) {
    return Files.isDirectory(home.layer(id), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public Path get(String id, String mountLabel) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!isLayerDir(id)) {
        throw new LayerNotFoundException("vfs: layer " + id + " does not exist");
      }
      refs.increment(id);
      return home.layer(id);
    }
  }

  @Override
  public void put(String id) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!isLayerDir(id)) {
        throw new LayerNotFoundException("vfs: layer " + id + " does not exist");
      }
      if (refs.decrement(id) < 0) {
        throw new InvalidArgumentException("vfs: put of layer " + id + " without a matching get");
      }
    }
  }

  /** Empty, as Docker's vfs ({@code Status()} returns nil, so {@code docker info} prints no pairs). */
  @Override
  public DriverStatus status() {
    return DriverStatus.empty();
  }

  /** Empty, as Docker's vfs ({@code GetMetadata} returns nil: {@code GraphDriver.Data} is null). */
  @Override
  public Map<String, String> metadata(String id) throws IOException {
    LayerIds.require(id);
    if (!isLayerDir(id)) {
      throw new LayerNotFoundException("vfs: layer " + id + " does not exist");
    }
    return Map.of();
  }

  /** Forgets every reference; vfs holds no mounts or other resources. Idempotent. */
  @Override
  public void close() {
    refs.drain();
  }

  @Override
  public String toString() {
    return "vfs(" + home.root() + ")";
  }
}
