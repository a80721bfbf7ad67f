package org.unionfs.driver.devicemapper;

/**
 * What is known about one thin device: moby's {@code devInfo}, stored as {@code <home>/metadata/<hash>}
 * ({@code "base"} for the base device).
 *
 * @param hash the layer id, or "" for the base device ({@code json:"-"} in moby: the file name)
 * @param deviceId the thin device id in the pool (24-bit)
 * @param size the device size in bytes (the table length in moby; the FUSE file size here)
 * @param transactionId the transaction that created the device
 * @param initialized whether the base device has its filesystem (moby sets it only on the base)
 * @param deleted moby's deferred-deletion mark; never set by this driver, honoured when found
 * @param parent the parent layer id, or "" for a layer made from the base device (ours, an extra
 *     JSON field that moby ignores: it lets a layer with children refuse removal)
 */
record DeviceRecord(String hash, int deviceId, long size, long transactionId, boolean initialized,
    boolean deleted, String parent) {

  DeviceRecord {
    if (hash == null || parent == null) {
      throw new NullPointerException("hash and parent must not be null");
    }
  }

  /** Whether this is the base device. */
  boolean isBase() {
    return hash.isEmpty();
  }

  DeviceRecord withSize(long newSize) {
    return new DeviceRecord(hash, deviceId, newSize, transactionId, initialized, deleted, parent);
  }

  DeviceRecord withInitialized(boolean value) {
    return new DeviceRecord(hash, deviceId, size, transactionId, value, deleted, parent);
  }
}
