package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.driver.devicemapper.activation.DeviceActivator;
import org.unionfs.driver.devicemapper.activation.KernelMounts;

/**
 * Activation and mounting of thin devices in the safe order: activate (FUSE file, loop), mount; and
 * back: unmount, remove the mount point, deactivate (loop detached, FUSE file gone). Also moby's
 * {@code growFS} and the freeze that stands in for moby's suspend of an active snapshot origin.
 */
final class DeviceMounts {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceMounts.class);
  private static final int BUSY_RETRIES = 100;
  private static final long BUSY_SLEEP_MS = 50;

  private final DeviceActivator activator;
  private final Mounter mounter;
  private final DmOptions options;

  DeviceMounts(DeviceActivator activator, Mounter mounter, DmOptions options) {
    this.activator = activator;
    this.mounter = mounter;
    this.options = options;
  }

  /**
   * Activates {@code r} and mounts its filesystem on {@code target} (which exists); undoes the
   * activation if the mount fails.
   */
  void mount(DeviceRecord r, String filesystem, Path target, String mountLabel) throws IOException {
    Path loop = activator.activate(r.deviceId(), r.size());
    try {
      mounter.mount(DeviceMount.describe(filesystem, loop, target, options.mountOptions(), mountLabel));
      try {
        if (filesystem.equals("xfs") && options.xfsNospaceRetries() != null) {
          setXfsNospaceRetries(loop);
        }
      } catch (IOException | RuntimeException e) {
        mounter.unmount(target, false);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      try {
        activator.deactivate(r.deviceId());
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** Unmounts {@code target} (not lazily: a busy filesystem fails here and stays whole), deactivates. */
  void unmount(DeviceRecord r, Path target) throws IOException {
    unmountRetrying(target);
    Files.deleteIfExists(target); // moby removes the mount point too
    activator.deactivate(r.deviceId());
  }

  /**
   * Unmounts, retrying EBUSY for a while as moby retries a busy device removal: a process this JVM
   * starts on another thread holds copies of every open descriptor until it execs, so a descriptor just
   * closed inside the filesystem can keep it busy for a moment.
   */
  private void unmountRetrying(Path target) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        mounter.unmount(target, false);
        return;
      } catch (PosixException e) {
        if (e.errno() != Posix.EBUSY || attempt >= BUSY_RETRIES) {
          throw e;
        }
      }
      try {
        Thread.sleep(BUSY_SLEEP_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("devicemapper: unmount " + target + ": interrupted");
      }
    }
  }

  /** Activates, formats with moby's mkfs and tune2fs, deactivates. */
  void format(DeviceRecord r, String filesystem) throws IOException {
    Path loop = activator.activate(r.deviceId(), r.size());
    try {
      FsTools.format(filesystem, options.mkfsArgs(), loop);
    } finally {
      activator.deactivate(r.deviceId());
    }
  }

  /**
   * moby's {@code growFS}: the device activated at its new size, its filesystem mounted on a scratch
   * mount point ({@code <home>/mnt/.grow-<device id>}; moby uses /run/docker/mnt) and grown online. The
   * kernel refuses some online ext4 resizes (1 KiB blocks, as mkfs makes below 512 MiB): then the
   * filesystem is grown offline, after a forced e2fsck as resize2fs requires.
   */
  void grow(DeviceRecord r, String filesystem, Path scratch) throws IOException {
    Files.createDirectories(scratch);
    try {
      mount(r, filesystem, scratch, "");
      IOException online = null;
      try {
        Path loop = activator.loopDevice(r.deviceId()).orElseThrow();
        FsTools.run(FsTools.growFs(filesystem, loop, scratch));
      } catch (IOException e) {
        online = e;
      }
      unmount(r, scratch);
      if (online != null && filesystem.equals("ext4")) {
        growOffline(r, online);
      } else if (online != null) {
        throw online;
      }
    } finally {
      Files.deleteIfExists(scratch);
    }
  }

  private void growOffline(DeviceRecord r, IOException online) throws IOException {
    Path loop = activator.activate(r.deviceId(), r.size());
    try {
      FsTools.run(List.of("e2fsck", "-f", "-p", loop.toString()), 0, 1); // 1: corrected (a replayed journal)
      FsTools.run(List.of("resize2fs", loop.toString()));
    } catch (IOException e) {
      e.addSuppressed(online);
      throw e;
    } finally {
      activator.deactivate(r.deviceId());
    }
  }

  /**
   * Runs {@code action} with the filesystem mounted at {@code mountPoint} frozen (FIFREEZE via
   * {@code fsfreeze}): everything written so far has reached the pool and nothing changes until the
   * thaw, as moby's suspend of an active origin before {@code create_snap}.
   */
  static <T> T frozen(Path mountPoint, IoSupplier<T> action) throws IOException {
    FsTools.run(List.of("fsfreeze", "--freeze", mountPoint.toString()));
    try {
      return action.get();
    } finally {
      FsTools.run(List.of("fsfreeze", "--unfreeze", mountPoint.toString()));
    }
  }

  /** An action that may fail with an IOException. */
  @FunctionalInterface
  interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** moby's {@code xfsSetNospaceRetries}. */
  private void setXfsNospaceRetries(Path loop) throws IOException {
    Path knob = Path.of("/sys/fs/xfs", loop.getFileName().toString(), "error/metadata/ENOSPC/max_retries");
    Files.writeString(knob, options.xfsNospaceRetries(), StandardCharsets.US_ASCII);
  }

  /**
   * Detaches every mount at or below {@code mntDir} (deepest first) and removes the empty mount points:
   * the filesystems a killed process left on its loop devices. Runs before the activator clears the
   * loops and the dead FUSE mount, which is the only safe order.
   */
  static void clearStaleMounts(Mounter mounter, Path mntDir) throws IOException {
    List<Path> stale = new ArrayList<>();
    for (KernelMounts.Entry e : KernelMounts.entries()) {
      if (e.mountPoint().startsWith(mntDir)) {
        stale.add(e.mountPoint());
      }
    }
    stale.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path mp : stale) {
      LOG.info("devicemapper: detaching {} left by an earlier process", mp);
      mounter.unmount(mp, true);
    }
    if (Files.isDirectory(mntDir)) {
      try (var ds = Files.newDirectoryStream(mntDir)) {
        for (Path p : ds) {
          if (p.getFileName().toString().startsWith(".grow-")) {
            FileTrees.deleteTree(p);
          } else if (Files.isDirectory(p)) {
            try {
              Files.deleteIfExists(p); // moby's Put removes it; a leftover is empty once unmounted
            } catch (java.nio.file.DirectoryNotEmptyException e) {
              LOG.warn("devicemapper: {} is not empty; left as it is", p);
            }
          }
        }
      }
    }
  }
}
