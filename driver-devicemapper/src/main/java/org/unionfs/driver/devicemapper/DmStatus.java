package org.unionfs.driver.devicemapper;

import java.nio.file.Path;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.spi.Sizes;
import org.unionfs.driver.devicemapper.pool.PoolStatus;

/**
 * {@code docker info}'s devicemapper lines, with the keys, order and decimal units of moby v24's
 * {@code Driver.Status} and {@code DeviceSet.Status}. Pure.
 */
final class DmStatus {
  /** What this driver prints where Docker prints libdevmapper's version: there is no libdevmapper. */
  static final String LIBRARY_VERSION = "none (pure-Java dm-thin pool, unionfs pool format 1)";

  private DmStatus() {}

  /**
   * The inputs of the status.
   *
   * @param poolName moby's {@code <prefix>-pool}
   * @param baseDeviceSize bytes of the base device (0 before it exists)
   * @param baseFilesystem the base device's filesystem ("" before it exists)
   * @param dataFile the pool's data file
   * @param metadataFile the pool's metadata file
   * @param pool the pool's counters
   * @param dataFsFree free bytes of the filesystem holding the data file, or -1 if unknown
   * @param metadataFsFree free bytes of the filesystem holding the metadata file, or -1 if unknown
   * @param minFreeSpacePercent {@code dm.min_free_space}
   * @param deferredDeleted devices marked deleted and not yet deleted
   */
  record Inputs(String poolName, long baseDeviceSize, String baseFilesystem, Path dataFile, Path metadataFile,
      PoolStatus pool, long dataFsFree, long metadataFsFree, int minFreeSpacePercent, int deferredDeleted) {}

  /**
   * The status. There is no loop device under the pool (it reads its files directly), so "Data file" and
   * "Data loop file" both name the data file, as do the metadata pair; udev, deferred removal and
   * deferred deletion are not used.
   */
  static DriverStatus of(Inputs in) {
    PoolStatus p = in.pool();
    long blockSize = p.blockSize();
    long dataUsed = p.usedDataBlocks() * blockSize;
    long dataTotal = p.totalDataBlocks() * blockSize;
    long dataAvailable = cap(dataTotal - dataUsed, in.dataFsFree());
    long metaUsed = p.usedMetadataBlocks() * PoolStatus.METADATA_BLOCK_SIZE;
    long metaTotal = p.totalMetadataBlocks() * PoolStatus.METADATA_BLOCK_SIZE;
    long metaAvailable = cap(metaTotal - metaUsed, in.metadataFsFree());
    long minFree = p.totalDataBlocks() * in.minFreeSpacePercent() / 100 * blockSize;
    return DriverStatus.builder()
        .add("Pool Name", in.poolName())
        .add("Pool Blocksize", Sizes.humanSize(blockSize))
        .add("Base Device Size", Sizes.humanSize(in.baseDeviceSize()))
        .add("Backing Filesystem", in.baseFilesystem())
        .add("Udev Sync Supported", "false")
        .add("Data file", in.dataFile().toString())
        .add("Metadata file", in.metadataFile().toString())
        .add("Data loop file", in.dataFile().toString())
        .add("Metadata loop file", in.metadataFile().toString())
        .add("Data Space Used", Sizes.humanSize(dataUsed))
        .add("Data Space Total", Sizes.humanSize(dataTotal))
        .add("Data Space Available", Sizes.humanSize(dataAvailable))
        .add("Metadata Space Used", Sizes.humanSize(metaUsed))
        .add("Metadata Space Total", Sizes.humanSize(metaTotal))
        .add("Metadata Space Available", Sizes.humanSize(metaAvailable))
        .add("Thin Pool Minimum Free Space", Sizes.humanSize(minFree))
        .add("Deferred Removal Enabled", "false")
        .add("Deferred Deletion Enabled", "false")
        .add("Deferred Deleted Device Count", Integer.toString(in.deferredDeleted()))
        .add("Library Version", LIBRARY_VERSION)
        .build();
  }

  /** moby caps Available at what the loop file's filesystem has free. */
  private static long cap(long available, long fsFree) {
    return fsFree >= 0 && fsFree < available ? fsFree : available;
  }

  /**
   * moby's device prefix, {@code docker-<major>:<minor>-<inode>} of the home's {@code st_dev} and
   * {@code st_ino} (Linux's major/minor encoding).
   */
  static String devicePrefix(long stDev, long stIno) {
    long major = ((stDev >>> 32) & 0xfffff000L) | ((stDev >>> 8) & 0xfffL);
    long minor = ((stDev >>> 12) & 0xffffff00L) | (stDev & 0xffL);
    return "docker-" + major + ":" + minor + "-" + stIno;
  }
}
