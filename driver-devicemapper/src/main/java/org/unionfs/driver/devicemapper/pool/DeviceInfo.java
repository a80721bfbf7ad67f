package org.unionfs.driver.devicemapper.pool;

/**
 * A thin device's details as dm-thin keeps them ({@code thin_dump}'s {@code <device>} attributes).
 *
 * @param id the 24-bit device id
 * @param mappedBlocks data blocks mapped by the device (shared ones included)
 * @param transactionId the pool's transaction id when the device was created
 * @param creationTime pool time at creation
 * @param snapshotTime pool time of the last snapshot of (or from) the device
 */
public record DeviceInfo(int id, long mappedBlocks, long transactionId, int creationTime, int snapshotTime) {}
