package org.unionfs.driver.devicemapper.pool;

import org.unionfs.api.error.InvalidArgumentException;

/**
 * The fixed geometry of a pool, chosen at creation: sizes of the sparse {@code data} and
 * {@code metadata} files and the data block size.
 *
 * @param dataSize bytes of the data file; rounded down to whole blocks (Docker's {@code dm.loopdatasize})
 * @param metadataSize bytes of the metadata file (Docker's {@code dm.loopmetadatasize}), at least 1 MiB
 * @param blockSize bytes per data block: a multiple of 64 KiB from 64 KiB to 1 GiB, as dm-thin's
 *     {@code data_block_size} of 128 to 2097152 sectors (Docker's {@code dm.blocksize})
 */
public record PoolConfig(long dataSize, long metadataSize, int blockSize) {
  /** 100 GiB, Docker's default loop data file. */
  public static final long DEFAULT_DATA_SIZE = 100L << 30;
  /** 2 GiB, Docker's default loop metadata file. */
  public static final long DEFAULT_METADATA_SIZE = 2L << 30;
  /** 64 KiB (128 sectors), dm-thin's smallest and Docker's default block size. */
  public static final int DEFAULT_BLOCK_SIZE = 64 << 10;
  static final int MIN_BLOCK = 64 << 10;
  static final int MAX_BLOCK = 1 << 30;

  /** Docker's loop-lvm defaults. */
  public static PoolConfig defaults() {
    return new PoolConfig(DEFAULT_DATA_SIZE, DEFAULT_METADATA_SIZE, DEFAULT_BLOCK_SIZE);
  }

  /** Checks the geometry and returns the number of data blocks. */
  long validate() throws InvalidArgumentException {
    if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK || blockSize % MIN_BLOCK != 0) {
      throw new InvalidArgumentException("pool block size " + blockSize
          + ": must be a multiple of 65536 between 65536 and 1073741824 bytes");
    }
    long blocks = dataSize / blockSize;
    if (dataSize <= 0 || blocks < 1) {
      throw new InvalidArgumentException("pool data size " + dataSize + ": must hold at least one "
          + blockSize + "-byte block");
    }
    if (blocks > Integer.MAX_VALUE) {
      throw new InvalidArgumentException("pool data size " + dataSize + ": more than "
          + Integer.MAX_VALUE + " blocks of " + blockSize + " bytes");
    }
    if (metadataSize < (1 << 20) || metadataSize % 4096 != 0) {
      throw new InvalidArgumentException("pool metadata size " + metadataSize
          + ": must be a multiple of 4096 and at least 1 MiB");
    }
    return blocks;
  }
}
