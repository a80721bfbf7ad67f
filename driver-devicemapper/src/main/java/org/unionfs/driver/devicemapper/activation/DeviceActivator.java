package org.unionfs.driver.devicemapper.activation;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * Shows active thin devices of one pool to the kernel as loop block devices, through one FUSE mount
 * per pool.
 *
 * <p>Each active device is a file {@code <fuseDir>/<deviceId>} served by this JVM (see
 * {@link DeviceFs}) and bound to a loop device with {@code losetup --direct-io=on}. The FUSE loop runs
 * on libfuse's own threads; the caller's thread runs {@code losetup} while the kernel sends it FUSE
 * requests. The methods of this class are serialised among themselves (one lock), never against the
 * FUSE threads.
 *
 * <p>Teardown order, as the kernel needs it: the caller unmounts its filesystem, then
 * {@link #deactivate} detaches the loop and waits for its release, then {@link #close} unmounts FUSE.
 * While any loop is bound this class refuses to unmount FUSE (the loop would fail every I/O with EIO).
 * A process killed with active devices leaves bound loops and a dead FUSE mount; {@link #open} on the
 * same {@code fuseDir} clears them.
 */
public final class DeviceActivator implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceActivator.class);
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(30);
  /** fuseDirs open in this JVM: a second activator on one would clear the first one's loops. */
  private static final Set<Path> OPEN_DIRS = ConcurrentHashMap.newKeySet();

  private final ThinPool pool;
  private final Path fuseDir;
  private final DeviceFs fs;
  private final Map<Integer, Path> loops = new TreeMap<>();
  private final PoolMount mount;
  /** Tears down in order when the JVM exits (SIGTERM): loops not mounted by anyone, then FUSE. */
  private final Thread shutdownHook;
  private boolean hookRegistered;
  private boolean closed;

  private DeviceActivator(ThinPool pool, Path fuseDir) {
    this.pool = pool;
    this.fuseDir = fuseDir;
    this.fs = new DeviceFs(pool, false); // FUSE direct_io measured slower under loop dio (bench/devicemapper)
    this.mount = new PoolMount(fuseDir, fs);
    this.shutdownHook = new Thread(this::closeOnExit, "device activator " + fuseDir);
  }

  /**
   * Clears what a killed previous process left under {@code fuseDir} (loop devices backed by files
   * there, and filesystems still mounted on them; a dead FUSE mount), then prepares; the FUSE mount is
   * made on the first {@link #activate}.
   *
   * @param fuseDir the directory the pool's FUSE filesystem is mounted on (made if missing); nothing
   *     else may live there
   * @throws LayerInUseException if another activator of this JVM uses {@code fuseDir}, or a live FUSE
   *     filesystem (another process's) is mounted there
   */
  public static DeviceActivator open(ThinPool pool, Path fuseDir) throws IOException {
    java.util.Objects.requireNonNull(pool, "pool");
    Path dir = fuseDir.toAbsolutePath().normalize();
    if (!OPEN_DIRS.add(dir)) {
      throw new LayerInUseException("device activator " + dir + ": already open in this process");
    }
    try {
      try {
        Files.createDirectories(dir);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // a dead FUSE mount answers ENOTCONN to stat, so it looks absent and mkdir fails: cleared below
      }
      StaleActivations.clear(dir);
      return new DeviceActivator(pool, dir);
    } catch (IOException | RuntimeException e) {
      OPEN_DIRS.remove(dir);
      throw e;
    }
  }

  /** The directory the FUSE filesystem is (or will be) mounted on. */
  public Path fuseDir() {
    return fuseDir;
  }

  /** The file that backs an active device's loop ({@code <fuseDir>/<deviceId>}). */
  public Path deviceFile(int deviceId) {
    return fuseDir.resolve(Integer.toString(deviceId));
  }

  /**
   * Exposes thin device {@code deviceId} as file {@code <fuseDir>/<deviceId>} of {@code sizeBytes}
   * bytes and attaches it with {@code losetup -f --show --direct-io=on}.
   *
   * @param sizeBytes the device size, a positive multiple of 512
   * @return the loop device path ({@code /dev/loopN})
   * @throws LayerNotFoundException if the pool has no such device
   * @throws LayerInUseException if the device is already active
   * @throws InvalidArgumentException for a bad size
   */
  public synchronized Path activate(int deviceId, long sizeBytes) throws IOException {
    checkOpen();
    if (!pool.hasDevice(deviceId)) {
      throw new LayerNotFoundException("activate thin device " + deviceId + ": no such device in pool "
          + pool.directory());
    }
    checkSize(deviceId, sizeBytes);
    if (loops.containsKey(deviceId)) {
      throw new LayerInUseException("activate thin device " + deviceId + ": already active as "
          + loops.get(deviceId));
    }
    mount.ensureMounted();
    if (!hookRegistered) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      hookRegistered = true;
    }
    Path file = deviceFile(deviceId);
    fs.devices().put(deviceId, new DeviceFs.Device(deviceId, sizeBytes));
    try {
      mount.requireLive(); // never losetup a plain file in an empty directory
      if (!Files.isRegularFile(file) || Files.size(file) != sizeBytes) {
        throw new IOException("activate thin device " + deviceId + ": " + file + " is not served by the pool");
      }
      Path loop = LoopDevices.attach(file);
      loops.put(deviceId, loop);
      LOG.debug("thin device {} active as {}", deviceId, loop);
      return loop;
    } catch (IOException | RuntimeException e) {
      fs.devices().remove(deviceId);
      throw new IOException("activate thin device " + deviceId + ": " + e.getMessage(), e);
    }
  }

  /** The loop device of an active device. */
  public synchronized Optional<Path> loopDevice(int deviceId) {
    return Optional.ofNullable(loops.get(deviceId));
  }

  /** The ids of the active devices, ascending. */
  public synchronized List<Integer> activeDevices() {
    return List.copyOf(loops.keySet());
  }

  /**
   * Detaches the loop ({@code losetup -d}, waiting until the kernel has released it), removes the file
   * and commits the pool. Does nothing for a device that is not active. The caller has unmounted any
   * filesystem on it first.
   *
   * @throws LayerInUseException if a filesystem on the loop is still mounted, or the kernel does not
   *     release the loop within 30 s; the device stays active then
   */
  public synchronized void deactivate(int deviceId) throws IOException {
    checkOpen();
    Path loop = loops.get(deviceId);
    if (loop == null) {
      return;
    }
    try {
      LoopDevices.detach(loop, deviceFile(deviceId), RELEASE_WAIT);
    } catch (LayerInUseException e) {
      throw new LayerInUseException("deactivate thin device " + deviceId + ": " + e.getMessage(), e);
    }
    loops.remove(deviceId);
    fs.devices().remove(deviceId);
    pool.commit();
  }

  /**
   * Grows a device's visible size: for an active device the FUSE file grows and the loop re-reads it
   * ({@code losetup -c}); an inactive device has no size here (the caller passes the new size to the
   * next {@link #activate}), so only its existence is checked.
   *
   * @throws InvalidArgumentException if the size shrinks an active device or is not a positive
   *     multiple of 512
   */
  public synchronized void resize(int deviceId, long newSizeBytes) throws IOException {
    checkOpen();
    if (!pool.hasDevice(deviceId)) {
      throw new LayerNotFoundException("resize thin device " + deviceId + ": no such device in pool "
          + pool.directory());
    }
    checkSize(deviceId, newSizeBytes);
    Path loop = loops.get(deviceId);
    if (loop == null) {
      return;
    }
    DeviceFs.Device d = fs.devices().get(deviceId);
    if (newSizeBytes < d.size) {
      throw new InvalidArgumentException("resize thin device " + deviceId + ": " + newSizeBytes
          + " bytes would shrink it from " + d.size);
    }
    d.size = newSizeBytes;
    Files.size(deviceFile(deviceId)); // a fresh stat: the kernel learns the size (attr_timeout=0)
    LoopDevices.refreshCapacity(loop);
    long seen = LoopDevices.sizeBytes(loop);
    if (seen != newSizeBytes) {
      throw new IOException("resize thin device " + deviceId + ": " + loop + " shows " + seen
          + " bytes after losetup -c, not " + newSizeBytes);
    }
  }

  /**
   * Deactivates every device and unmounts the FUSE filesystem; commits the pool (which stays open: the
   * caller owns it); idempotent.
   *
   * @throws LayerInUseException if a device is still mounted by the caller: its loop stays bound and
   *     FUSE stays mounted (this activator is closed for everything but another {@code close()})
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    List<String> busy = new ArrayList<>();
    for (Integer id : List.copyOf(loops.keySet())) {
      try {
        deactivate(id);
      } catch (IOException e) {
        busy.add(e.getMessage());
      }
    }
    if (!busy.isEmpty()) {
      pool.commit();
      throw new LayerInUseException("close device activator " + fuseDir + ": " + busy.size()
          + " device(s) still attached, FUSE left mounted: " + String.join("; ", busy));
    }
    closed = true;
    if (hookRegistered) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: this is the hook
      }
    }
    try {
      mount.unmount();
      pool.commit();
    } finally {
      OPEN_DIRS.remove(fuseDir);
    }
  }

  private void closeOnExit() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("device activator {} at exit: {}", fuseDir, e.getMessage());
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("device activator " + fuseDir + " is closed");
    }
  }

  private static void checkSize(int deviceId, long sizeBytes) throws InvalidArgumentException {
    if (sizeBytes <= 0 || sizeBytes % 512 != 0) {
      throw new InvalidArgumentException("thin device " + deviceId + ": size " + sizeBytes
          + " is not a positive multiple of 512 bytes");
    }
  }
}
