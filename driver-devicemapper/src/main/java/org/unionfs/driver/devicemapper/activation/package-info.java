/**
 * Activation of thin devices: a pool's active devices shown to the kernel as loop block devices
 * through one FUSE mount per pool (this kernel has no device-mapper, ublk or nbd).
 *
 * <h2>What lives where</h2>
 *
 * <pre>
 * &lt;fuseDir&gt;/            FUSE mount of this JVM (type fuse.unionfs-dm), empty when not mounted
 *   &lt;deviceId&gt;          one regular file per ACTIVE thin device, size = the device size given to
 *                       activate(); its bytes are the device's (unmapped blocks read as zeros)
 * /dev/loopN            losetup --direct-io=on &lt;fuseDir&gt;/&lt;deviceId&gt;
 * </pre>
 *
 * <h2>Order</h2>
 *
 * Up: FUSE mount (first activation) → file appears → check mountinfo says fuse.* → losetup. Down: the
 * caller's umount → losetup -d and wait for the kernel's release → (close) fusermount -u → wait for the
 * FUSE loop. FLUSH and FSYNC on a device file commit the pool.
 */
package org.unionfs.driver.devicemapper.activation;
