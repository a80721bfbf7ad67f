package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.internal.AtomicFiles;
import org.unionfs.api.internal.PerKeyLock;
import org.unionfs.api.internal.RefCounter;
import org.unionfs.api.posix.Posix;

/**
 * Docker's overlay2 graphdriver: each layer is a diff directory, assembled with the kernel's overlayfs
 * over the diff directories of its ancestors (see the package documentation for the layout).
 *
 * <p>Thread-safe: operations on one layer are serialised by a per-layer lock; create and remove also
 * lock the parent, so the child index stays exact.
 */
final class Overlay2Driver implements GraphDriver {
  private static final Logger LOG = LoggerFactory.getLogger(Overlay2Driver.class);
  static final String NAME = "overlay2";

  private final Overlay2Layout layout;
  private final OverlaySupport support;
  private final Overlay2Options options;
  private final Mounter mounter;
  private final Posix posix;
  private final LayerQuotas quotas;
  private final ChildIndex children;
  private final PerKeyLock locks = new PerKeyLock();
  private final RefCounter refs = new RefCounter();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Overlay2Diffs diffs;
  /** Mounts are shared with other processes on this home (DriverContext#sharedMounts). */
  private final boolean sharedMounts;

  Overlay2Driver(Overlay2Layout layout, OverlaySupport support, Overlay2Options options, Mounter mounter,
      Posix posix, LayerQuotas quotas, ChildIndex children, boolean sharedMounts) {
    this.sharedMounts = sharedMounts;
    this.layout = layout;
    this.support = support;
    this.options = options;
    this.mounter = mounter;
    this.posix = posix;
    this.quotas = quotas;
    this.children = children;
    this.diffs = new Overlay2Diffs(this, layout, support, posix);
  }

  Overlay2Layout layout() {
    return layout;
  }

  OverlaySupport support() {
    return support;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<DriverCapability> capabilities() {
    Set<DriverCapability> caps = EnumSet.of(DriverCapability.COPY_ON_WRITE, DriverCapability.XATTRS,
        DriverCapability.REQUIRES_ROOT);
    if (support.nativeDiff()) {
      caps.add(DriverCapability.NATIVE_DIFF);
    }
    if (support.redirectDir()) {
      caps.add(DriverCapability.RENAME_DIRECTORY_FROM_LOWER);
    }
    if (quotas.available()) {
      caps.add(DriverCapability.QUOTA);
    }
    return Set.copyOf(caps);
  }

  // ---- create / remove ----

  @Override
  public void create(String id, String parent, CreateOptions opts) throws IOException {
    if (opts != null && opts.storageOptions().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("size"))) {
      throw new InvalidArgumentException("create layer " + id
          + ": --storage-opt size is only supported for ReadWrite Layers");
    }
    createLayer(id, parent, opts, false);
  }

  @Override
  public void createReadWrite(String id, String parent, CreateOptions opts) throws IOException {
    createLayer(id, parent, opts, true);
  }

  private void createLayer(String id, String parentArg, CreateOptions opts, boolean readWrite)
      throws IOException {
    requireOpen();
    LayerIds.require(id);
    if (Overlay2Layout.isReserved(id)) {
      throw new InvalidArgumentException("create layer " + id + ": the name of overlay2's link directory");
    }
    String parent = LayerIds.requireParent(parentArg);
    long quota = quotas.sizeFor(id, opts == null ? Map.of() : opts.storageOptions(), readWrite);
    try (PerKeyLock.Held held = locks.lockAll(id, parent)) {
      if (layout.exists(id)) {
        throw new LayerExistsException("create layer " + id + ": already exists");
      }
      List<String> lower = List.of();
      if (parent != null) {
        if (!layout.exists(parent)) {
          throw new LayerNotFoundException("create layer " + id + ": parent " + parent + " not found");
        }
        lower = Overlay2Layout.childLower(layout.readLink(parent),
            layout.readLower(parent).orElse(List.of()));
        if (lower.size() > options.maxDepth()) {
          throw new InvalidArgumentException("create layer " + id + " on " + parent
              + ": max depth exceeded (" + lower.size() + " lower layers, limit " + options.maxDepth() + ")");
        }
      }
      new LayerBuilder(layout, quotas).build(id, parent, lower, quota);
      if (parent != null) {
        children.add(id, parent);
      }
    }
  }

  @Override
  public void remove(String id) throws IOException {
    requireOpen();
    LayerIds.require(id);
    Optional<String> parent = children.parentOf(id);
    try (PerKeyLock.Held held = locks.lockAll(id, parent.orElse(null))) {
      if (!layout.exists(id)) {
        throw new LayerNotFoundException("remove layer " + id + ": not found");
      }
      int count = refs.get(id);
      if (count > 0 || isMounted(id)) {
        throw new LayerInUseException("remove layer " + id + ": mounted ("
            + count + " reference" + (count == 1 ? "" : "s") + " held)");
      }
      Set<String> kids = children.childrenOf(id);
      if (!kids.isEmpty()) {
        throw new LayerInUseException("remove layer " + id + ": has " + kids.size() + " child"
            + (kids.size() == 1 ? "" : "ren") + " (" + String.join(", ", kids) + ")");
      }
      LayerBuilder.removeLayer(layout, id);
      children.remove(id);
    }
  }

  @Override
  public boolean exists(String id) {
    return LayerIds.isValid(id) && layout.exists(id);
  }

  // ---- get / put ----

  @Override
  public Path get(String id, String mountLabel) throws IOException {
    requireOpen();
    LayerIds.require(id);
    String label = mountLabel == null ? "" : mountLabel;
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!layout.exists(id)) {
        throw new LayerNotFoundException("get layer " + id + ": not found");
      }
      Optional<List<String>> lower = layout.readLower(id);
      if (lower.isEmpty()) {
        refs.increment(id); // counted so that remove refuses a layer in use, but nothing to mount
        return layout.diff(id);
      }
      Path merged = layout.merged(id);
      adoptSharedMount(id);
      if (refs.increment(id) > 1) {
        return merged;
      }
      try {
        MountSpec spec = OverlayMounts.describe(layout, id, lower.get(), layout.isCommitted(id), support,
            label);
        Files.createDirectories(merged);
        Files.setPosixFilePermissions(merged, PosixFilePermissions.fromString(Overlay2Layout.MERGED_MODE));
        mounter.mount(spec);
        return merged;
      } catch (IOException | RuntimeException e) {
        refs.decrement(id);
        rmdirQuietly(merged, e);
        throw e;
      }
    }
  }

  @Override
  public void put(String id) throws IOException {
    requireOpen();
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      if (!layout.exists(id)) {
        throw new LayerNotFoundException("put layer " + id + ": not found");
      }
      if (layout.readLower(id).isPresent()) {
        adoptSharedMount(id);
      }
      int left = refs.decrement(id);
      if (left < 0) {
        throw new InvalidArgumentException("put layer " + id + ": not acquired by get");
      }
      if (left == 0 && layout.readLower(id).isPresent()) {
        release(id);
      }
    }
  }

  /**
   * With shared mounts, a layer this process holds no reference to but finds mounted was mounted by
   * another process (a {@code get} of the command line): it counts as one reference held elsewhere, so
   * a get here does not mount it again and the put that balances it here does not detach it, while a
   * put without a get here releases it (moby's mountref counter, which checks IsMounted once).
   */
  private void adoptSharedMount(String id) throws IOException {
    if (sharedMounts && refs.get(id) == 0 && isMounted(id)) {
      refs.increment(id);
    }
  }

  /** Lazily unmounts the layer and removes merged/ (which also drops copies in other namespaces). */
  private void release(String id) throws IOException {
    Path merged = layout.merged(id);
    try {
      mounter.unmount(merged, true);
    } catch (IOException e) {
      LOG.debug("overlay2: unmount {}: {}", merged, e.getMessage());
    }
    Files.deleteIfExists(merged);
  }

  private boolean isMounted(String id) throws IOException {
    Path merged = layout.merged(id);
    if (!Files.isDirectory(merged, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    return MountTable.isMountPoint(MountTable.read(), merged);
  }

  private static void rmdirQuietly(Path dir, Exception primary) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }

  // ---- status / metadata ----

  /**
   * Docker's status pairs in moby's current order: {@code Using metacopy} (added after 20.10, whose
   * {@code docker info} shows the other four) sits after {@code Supports d_type}.
   */
  @Override
  public DriverStatus status() {
    return DriverStatus.builder()
        .add("Backing Filesystem", support.backingFs())
        .add("Supports d_type", Boolean.toString(support.supportsDType()))
        .add("Using metacopy", Boolean.toString(support.usingMetacopy()))
        .add("Native Overlay Diff", Boolean.toString(support.nativeDiff()))
        .add("userxattr", Boolean.toString(support.userxattr()))
        .build();
  }

  @Override
  public Map<String, String> metadata(String id) throws IOException {
    requireOpen();
    LayerIds.require(id);
    if (!layout.exists(id)) {
      throw new LayerNotFoundException("metadata of layer " + id + ": not found");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    List<String> lowerDirs = new ArrayList<>();
    for (String entry : layout.readLower(id).orElse(List.of())) {
      lowerDirs.add(layout.resolveLower(entry).toString());
    }
    if (!lowerDirs.isEmpty()) {
      meta.put("LowerDir", String.join(":", lowerDirs));
    }
    meta.put("MergedDir", layout.merged(id).toString());
    meta.put("UpperDir", layout.diff(id).toString());
    meta.put("WorkDir", layout.work(id).toString());
    return Map.copyOf(meta);
  }

  // ---- diff side ----

  @Override
  public InputStream diff(String id, String parent) throws IOException {
    requireOpen();
    return diffs.diff(LayerIds.require(id), LayerIds.requireParent(parent));
  }

  @Override
  public List<Change> changes(String id, String parent) throws IOException {
    requireOpen();
    return diffs.changes(LayerIds.require(id), LayerIds.requireParent(parent));
  }

  @Override
  public long applyDiff(String id, String parent, InputStream tar) throws IOException {
    requireOpen();
    return diffs.applyDiff(LayerIds.require(id), LayerIds.requireParent(parent), tar);
  }

  @Override
  public long diffSize(String id, String parent) throws IOException {
    requireOpen();
    return diffs.diffSize(LayerIds.require(id), LayerIds.requireParent(parent));
  }

  // ---- lifecycle ----

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("overlay2 driver for " + layout.home() + " is closed");
    }
  }

  /**
   * Unmounts every layer this driver mounted and anything else mounted under the home; with shared
   * mounts, leaves every mount alone (they belong to the processes sharing the home, and the last put
   * releases each).
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Map<String, Integer> held = refs.drain();
    if (!held.isEmpty()) {
      LOG.debug("overlay2: closing with layers still acquired: {}", held);
    }
    if (!sharedMounts) {
      Recovery.unmountAll(layout, mounter);
    }
  }

  @Override
  public String toString() {
    return "overlay2(" + layout.home() + ")";
  }

  /** Writes an empty {@code committed} file atomically, as moby does into a parent. */
  static void markCommitted(Overlay2Layout layout, String id) throws IOException {
    if (!layout.isCommitted(id)) {
      AtomicFiles.write(layout.committed(id), new byte[0], Overlay2Layout.COMMITTED_MODE);
    }
  }
}
