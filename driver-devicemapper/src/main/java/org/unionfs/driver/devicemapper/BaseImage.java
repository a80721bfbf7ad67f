package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.spi.Sizes;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * moby's {@code setupBaseImage}: the base thin device every layer descends from, made once and
 * formatted with {@code dm.fs}; on later opens its filesystem UUID is checked against
 * {@code deviceset-metadata} (a different pool is refused) and it is grown when {@code dm.basesize} asks
 * for more. A base left uninitialised by a crash during mkfs is deleted and made again.
 */
final class BaseImage {
  private static final Logger LOG = LoggerFactory.getLogger(BaseImage.class);

  private BaseImage() {}

  /**
   * Sets up the base device and returns the filesystem every device carries (the base's, which wins
   * over {@code dm.fs} as in moby).
   */
  static String setup(DeviceSet devices, ThinPool pool, DeviceMounts mounts, DmOptions options,
      DmLayout layout) throws IOException {
    Optional<DeviceRecord> old = devices.lookup("");
    if (old.isPresent() && old.get().initialized() && !old.get().deleted()) {
      String fs = verify(devices, pool, old.get(), options);
      growIfAsked(devices, mounts, old.get(), options, fs, layout);
      return fs;
    }
    if (old.isPresent()) {
      LOG.info("devicemapper: removing the uninitialized base device {}", old.get().deviceId());
      devices.delete(old.get());
    }
    return create(devices, pool, mounts, options);
  }

  private static String create(DeviceSet devices, ThinPool pool, DeviceMounts mounts, DmOptions options)
      throws IOException {
    DeviceRecord base = devices.createThin("", options.baseSize());
    String fs = options.filesystem();
    try {
      mounts.format(base, fs);
    } catch (IOException | RuntimeException e) {
      try {
        devices.delete(base);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup); // an uninitialized base is deleted on the next open anyway
      }
      throw e;
    }
    FsTools.Identity id = FsTools.identify(pool, base.deviceId()).orElseThrow(() -> new LayerCorruptException(
        "devicemapper: base device " + base.deviceId() + ": no " + fs + " superblock after mkfs"));
    devices.saveState(id.uuid(), id.filesystem());
    devices.update(base.withInitialized(true));
    return id.filesystem();
  }

  /** moby's {@code verifyBaseDeviceUUIDFS}, reading the superblock from the pool instead of blkid. */
  private static String verify(DeviceSet devices, ThinPool pool, DeviceRecord base, DmOptions options)
      throws IOException {
    Optional<FsTools.Identity> found = FsTools.identify(pool, base.deviceId());
    if (found.isEmpty()) {
      throw new LayerCorruptException("devicemapper: base device " + base.deviceId()
          + " holds no ext4 or xfs filesystem");
    }
    DmMetadata.DeviceSetState state = devices.state();
    if (state.baseDeviceUuid().isEmpty()) {
      devices.saveState(found.get().uuid(), found.get().filesystem());
    } else if (!state.baseDeviceUuid().equals(found.get().uuid())) {
      throw new LayerCorruptException("devicemapper: Current Base Device UUID:" + found.get().uuid()
          + " does not match with stored UUID:" + state.baseDeviceUuid()
          + ". Possibly using a different thin pool than last invocation");
    } else if (state.baseDeviceFilesystem().isEmpty()) {
      devices.saveState(state.baseDeviceUuid(), found.get().filesystem());
    }
    String fs = found.get().filesystem();
    if (!fs.equals(options.filesystem())) {
      LOG.warn("devicemapper: Base device already exists and has filesystem {} on it. User specified "
          + "filesystem {} will be ignored.", fs, options.filesystem());
    }
    return fs;
  }

  /** moby's {@code checkGrowBaseDeviceFS}: only when dm.basesize is given; never shrinks. */
  private static void growIfAsked(DeviceSet devices, DeviceMounts mounts, DeviceRecord base,
      DmOptions options, String fs, DmLayout layout) throws IOException {
    if (!options.baseSizeGiven() || options.baseSize() == base.size()) {
      return;
    }
    if (options.baseSize() < base.size()) {
      throw new InvalidArgumentException("devicemapper: option dm.basesize=" + options.baseSize()
          + ": Base device size cannot be smaller than " + Sizes.humanSize(base.size()));
    }
    DeviceRecord grown = base.withSize(options.baseSize());
    mounts.grow(grown, fs, layout.mntDir().resolve(".grow-" + grown.deviceId()));
    devices.update(grown); // after the filesystem grew: a failure leaves the old size in effect
  }
}
