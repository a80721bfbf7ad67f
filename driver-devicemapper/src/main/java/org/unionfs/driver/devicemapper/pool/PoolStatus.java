package org.unionfs.driver.devicemapper.pool;

/**
 * The pool's counters, as the kernel's thin-pool status line
 * ({@code <transaction id> <used metadata>/<total metadata> <used data>/<total data>}).
 *
 * @param transactionId the transaction id of the open transaction (set by {@code setTransactionId})
 * @param usedMetadataBlocks 4 KiB metadata blocks in use
 * @param totalMetadataBlocks 4 KiB blocks of the metadata file
 * @param usedDataBlocks data blocks referenced by at least one device
 * @param totalDataBlocks data blocks of the data file
 * @param blockSize bytes per data block
 */
public record PoolStatus(long transactionId, long usedMetadataBlocks, long totalMetadataBlocks,
    long usedDataBlocks, long totalDataBlocks, int blockSize) {
  /** Metadata block size in bytes (dm-thin's, 8 sectors). */
  public static final int METADATA_BLOCK_SIZE = 4096;
}
