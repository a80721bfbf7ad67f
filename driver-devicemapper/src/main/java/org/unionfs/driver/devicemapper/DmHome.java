package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/** Preparing a home's directories and opening (or creating) its pool, the first steps of an open. */
final class DmHome {
  private static final Logger LOG = LoggerFactory.getLogger(DmHome.class);

  private DmHome() {}

  /**
   * Makes the missing directories, then opens the pool, or creates it with the options' geometry.
   *
   * @throws LayerInUseException if a live process has the pool open
   */
  static ThinPool openPool(DmLayout layout, DmOptions options) throws IOException {
    prepare(layout);
    if (!ThinPool.exists(layout.poolDir())) {
      return ThinPool.create(layout.poolDir(), options.poolConfig());
    }
    ThinPool pool = open(layout);
    warnIfPoolDiffers(pool, options);
    return pool;
  }

  /** Opens the pool; a holder that was killed during I/O on its own devices is helped to exit first. */
  private static ThinPool open(DmLayout layout) throws IOException {
    Path lockFile = layout.poolDir().resolve(ThinPool.METADATA_FILE);
    for (int attempt = 1; ; attempt++) {
      try {
        return ThinPool.open(layout.poolDir());
      } catch (LayerInUseException e) {
        // Retry once the holder is gone: it exited meanwhile, or it was dying and has been freed.
        boolean gone = DyingOwner.lockHolder(lockFile).isEmpty()
            || DyingOwner.release(lockFile, layout.fuseDir());
        if (!gone || attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** moby: the home and metadata/ 0700, the pool directory 0700, mnt/ 0755. */
  private static void prepare(DmLayout layout) throws IOException {
    for (Path dir : new Path[] {layout.home(), layout.metadataDir(), layout.poolDir(), layout.mntDir()}) {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException("devicemapper: " + dir + " exists and is not a directory");
      }
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(
            dir.equals(layout.mntDir()) ? "rwxr-xr-x" : "rwx------"));
      }
    }
  }

  /** moby grows loop files to a larger dm.loopdatasize; this pool's geometry is fixed at creation. */
  private static void warnIfPoolDiffers(ThinPool pool, DmOptions options) {
    var s = pool.status();
    long data = s.totalDataBlocks() * s.blockSize();
    if (options.dataSize() / s.blockSize() * s.blockSize() != data) {
      LOG.warn("devicemapper: the pool has {} bytes of data space; dm.loopdatasize={} applies only to a new pool",
          data, options.dataSize());
    }
  }
}
