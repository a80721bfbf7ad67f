package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.LayerIds;
import org.unionfs.api.ProtoDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.internal.PerKeyLock;
import org.unionfs.api.internal.RefCounter;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverOptions;
import org.unionfs.api.spi.Sizes;
import org.unionfs.driver.devicemapper.activation.DeviceActivator;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * The devicemapper layer lifecycle (moby's devmapper {@code Driver} over its {@code DeviceSet}): every
 * layer is a thin snapshot of its parent's device, or of the base device, with an ext4 (or xfs)
 * filesystem that get mounts through a loop device on this process's FUSE view of the pool. See the
 * package documentation for the layout.
 */
final class DevicemapperDriver implements ProtoDriver {
  static final Set<DriverCapability> CAPABILITIES = Set.of(DriverCapability.COPY_ON_WRITE,
      DriverCapability.XATTRS, DriverCapability.RENAME_DIRECTORY_FROM_LOWER,
      DriverCapability.HARDLINKS_ACROSS_LAYERS, DriverCapability.REQUIRES_ROOT,
      DriverCapability.PROCESS_BOUND_MOUNTS);

  private final DmLayout layout;
  private final DmOptions options;
  private final ThinPool pool;
  private final DeviceActivator activator;
  private final DeviceSet devices;
  private final DeviceMounts mounts;
  private final Mounter mounter;
  private final String prefix;
  private final PerKeyLock locks = new PerKeyLock();
  private final RefCounter refs = new RefCounter();
  private String filesystem;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private DevicemapperDriver(DmLayout layout, DmOptions options, ThinPool pool, DeviceActivator activator,
      Mounter mounter, String prefix) {
    this.layout = layout;
    this.options = options;
    this.pool = pool;
    this.activator = activator;
    this.mounter = mounter;
    this.prefix = prefix;
    this.devices = new DeviceSet(pool, new DmMetadata(layout), options.minFreeSpacePercent());
    this.mounts = new DeviceMounts(activator, mounter, options);
  }

  /**
   * Opens (creating if needed) the home: the pool (whose lock keeps every other process out), then the
   * leftovers of a killed process are cleared (filesystems, loops, the dead FUSE mount), the device set
   * is loaded with moby's open-transaction rollback, and the base device is set up.
   */
  static DevicemapperDriver open(Path home, Map<String, String> optionMap) throws IOException {
    DmOptions options = DmOptions.parse(optionMap);
    DmLayout layout = new DmLayout(home.toAbsolutePath().normalize());
    ThinPool pool = DmHome.openPool(layout, options);
    DeviceActivator activator = null;
    try {
      Mounter mounter = Mounter.kernel();
      DeviceMounts.clearStaleMounts(mounter, layout.mntDir());
      activator = DeviceActivator.open(pool, layout.fuseDir());
      var st = Posix.get().lstat(layout.home());
      DevicemapperDriver d = new DevicemapperDriver(layout, options, pool, activator, mounter,
          DmStatus.devicePrefix(st.dev(), st.ino()));
      d.devices.load();
      d.filesystem = BaseImage.setup(d.devices, pool, d.mounts, options, layout);
      return d;
    } catch (IOException | RuntimeException e) {
      try {
        if (activator != null) {
          activator.close();
        }
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      try {
        pool.close();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  @Override
  public String name() {
    return DevicemapperDriverProvider.NAME;
  }

  @Override
  public Set<DriverCapability> capabilities() {
    return CAPABILITIES;
  }

  /** moby: the same as {@link #createReadWrite}. */
  @Override
  public void create(String id, String parent, CreateOptions options) throws IOException {
    createLayer(id, parent, options);
  }

  @Override
  public void createReadWrite(String id, String parent, CreateOptions options) throws IOException {
    createLayer(id, parent, options);
  }

  /** moby's {@code AddDevice}: a snapshot of the parent's device (or the base's), grown if asked. */
  private void createLayer(String id, String parentArg, CreateOptions createOptions) throws IOException {
    LayerIds.require(id);
    String parent = LayerIds.requireParent(parentArg);
    if (id.equals(parent)) {
      throw new InvalidArgumentException("devicemapper: layer " + id + " cannot be its own parent");
    }
    long size = storageSize(id, createOptions == null ? CreateOptions.NONE : createOptions);
    try (PerKeyLock.Held held = locks.lockAll(id, parent)) {
      checkOpen();
      if (devices.lookup(id).isPresent()) {
        throw new LayerExistsException("devicemapper: layer " + id + " already exists");
      }
      DeviceRecord origin = parent == null ? devices.lookup("").orElseThrow(
          () -> new LayerNotFoundException("devicemapper: the base device does not exist"))
          : devices.lookup(parent).orElseThrow(() -> new LayerNotFoundException(
              "devicemapper: parent layer " + parent + " of " + id + " does not exist"));
      if (origin.deleted()) {
        throw new LayerNotFoundException("devicemapper: Base device " + origin.hash()
            + " has been marked for deferred deletion");
      }
      long deviceSize = size == 0 ? origin.size() : size;
      if (deviceSize < origin.size()) {
        throw new InvalidArgumentException("devicemapper: layer " + id + ": storage option size=" + size
            + ": Container size cannot be smaller than " + Sizes.humanSize(origin.size()));
      }
      DeviceRecord made = parent != null && refs.get(parent) > 0
          ? DeviceMounts.frozen(layout.mountPoint(parent),
              () -> devices.createSnapshot(id, origin, deviceSize, parent))
          : devices.createSnapshot(id, origin, deviceSize, parent == null ? "" : parent);
      if (deviceSize > origin.size()) {
        try {
          mounts.grow(made, filesystem, layout.mntDir().resolve(".grow-" + made.deviceId()));
        } catch (IOException | RuntimeException e) {
          try {
            devices.delete(made); // a failed create leaves the store as it was
          } catch (IOException cleanup) {
            e.addSuppressed(cleanup);
          }
          throw e;
        }
      }
    }
  }

  /** moby's {@code parseStorageOpt}: only {@code size}, a binary size ("20G"). */
  private static long storageSize(String id, CreateOptions o) throws InvalidArgumentException {
    DriverOptions so = DriverOptions.of("devicemapper: layer " + id + ": storage", o.storageOptions());
    long size = so.size("size", 0);
    so.requireAllUsed();
    if (size < 0) {
      throw new InvalidArgumentException("devicemapper: layer " + id + ": storage option size must not be negative");
    }
    return size;
  }

  @Override
  public void remove(String id) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      checkOpen();
      DeviceRecord r = require(id);
      int count = refs.get(id);
      if (count > 0) {
        throw new LayerInUseException("devicemapper: layer " + id + " is in use: held by " + count
            + " get(s) without put");
      }
      var children = devices.children(id);
      if (!children.isEmpty()) {
        throw new LayerInUseException("devicemapper: layer " + id + " has children: "
            + String.join(", ", children));
      }
      devices.delete(r);
      Path mp = layout.mountPoint(id);
      if (Files.exists(mp, LinkOption.NOFOLLOW_LINKS)) {
        FileTrees.deleteTree(mp);
      }
    }
  }

  @Override
  public boolean exists(String id) {
    return LayerIds.isValid(id) && devices.lookup(id).isPresent();
  }

  /** Activates and mounts the device on {@code mnt/<id>}, returns {@code mnt/<id>/rootfs} (moby's Get). */
  @Override
  public Path get(String id, String mountLabel) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      checkOpen();
      DeviceRecord r = require(id);
      if (refs.increment(id) > 1) {
        return layout.rootfs(id);
      }
      Path mp = layout.mountPoint(id);
      try {
        if (!Files.isDirectory(mp)) {
          Files.createDirectory(mp);
          Posix.get().chmod(mp, 0755);
        }
        mounts.mount(r, filesystem, mp, mountLabel == null ? "" : mountLabel);
      } catch (IOException | RuntimeException e) {
        refs.decrement(id);
        throw e;
      }
      try {
        Path rootfs = layout.rootfs(id);
        if (!Files.isDirectory(rootfs, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(rootfs);
          Posix.get().chmod(rootfs, 0755);
        }
        Path idFile = mp.resolve("id");
        if (!Files.exists(idFile, LinkOption.NOFOLLOW_LINKS)) {
          Files.write(idFile, id.getBytes(StandardCharsets.UTF_8));
          Posix.get().chmod(idFile, 0600);
        }
        return rootfs;
      } catch (IOException | RuntimeException e) {
        refs.decrement(id);
        try {
          mounts.unmount(r, mp);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    }
  }

  /** The last put unmounts and deactivates; a busy filesystem fails the put and keeps the reference. */
  @Override
  public void put(String id) throws IOException {
    LayerIds.require(id);
    try (PerKeyLock.Held held = locks.lock(id)) {
      DeviceRecord r = require(id);
      int left = refs.decrement(id);
      if (left < 0) {
        throw new InvalidArgumentException("devicemapper: put of layer " + id + " without a matching get");
      }
      if (left > 0) {
        return;
      }
      try {
        mounts.unmount(r, layout.mountPoint(id));
      } catch (IOException | RuntimeException e) {
        refs.increment(id);
        throw e;
      }
    }
  }

  @Override
  public DriverStatus status() throws IOException {
    checkOpen();
    Path data = layout.poolDir().resolve(ThinPool.DATA_FILE);
    Path meta = layout.poolDir().resolve(ThinPool.METADATA_FILE);
    long baseSize = devices.lookup("").map(DeviceRecord::size).orElse(0L);
    return DmStatus.of(new DmStatus.Inputs(prefix + "-pool", baseSize, devices.state().baseDeviceFilesystem(),
        data, meta, pool.status(), fsFree(data), fsFree(meta), options.minFreeSpacePercent(),
        devices.deferredDeletedCount()));
  }

  private static long fsFree(Path file) {
    try {
      var s = Posix.get().statfs(file);
      return s.blocksFree() * s.blockSize();
    } catch (IOException e) {
      return -1; // moby ignores the statfs error too
    }
  }

  /** moby's {@code GetMetadata}: DeviceId, DeviceSize, DeviceName. */
  @Override
  public Map<String, String> metadata(String id) throws IOException {
    LayerIds.require(id);
    DeviceRecord r = require(id);
    Map<String, String> m = new LinkedHashMap<>();
    m.put("DeviceId", Integer.toString(r.deviceId()));
    m.put("DeviceSize", Long.toString(r.size()));
    m.put("DeviceName", DeviceSet.name(prefix, r));
    return m;
  }

  /** Unmounts and deactivates every layer still held, saves the device set, closes FUSE and the pool. */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    IOException failure = null;
    for (String id : refs.drain().keySet()) {
      try (PerKeyLock.Held held = locks.lock(id)) {
        DeviceRecord r = devices.lookup(id).orElse(null);
        if (r != null) {
          mounts.unmount(r, layout.mountPoint(id));
        }
      } catch (IOException e) {
        failure = add(failure, e);
      }
    }
    try {
      devices.saveState();
    } catch (IOException e) {
      failure = add(failure, e);
    }
    try {
      activator.close();
    } catch (IOException e) {
      failure = add(failure, e);
    }
    try {
      pool.close();
    } catch (IOException e) {
      failure = add(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static IOException add(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private DeviceRecord require(String id) throws LayerNotFoundException {
    return devices.lookup(id).orElseThrow(
        () -> new LayerNotFoundException("devicemapper: layer " + id + " does not exist"));
  }

  private void checkOpen() throws IOException {
    if (closed.get()) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }

  @Override
  public String toString() {
    return "devicemapper(" + layout.home() + ")";
  }
}
