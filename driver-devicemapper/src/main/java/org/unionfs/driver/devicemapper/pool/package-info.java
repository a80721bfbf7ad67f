/**
 * A dm-thin thin-provisioning pool in pure Java (no kernel device-mapper, no root).
 *
 * <h2>On-disk layout</h2>
 *
 * <pre>
 * &lt;home&gt;/devicemapper/
 *   data       sparse; data block b at byte b * blockSize (Docker's loop-lvm "data" file, 100 GiB default)
 *   metadata   sparse (2 GiB default), 4 KiB slots, big-endian:
 *     [0, 4096)      superblock slot 0   } the valid slot with the higher generation is current;
 *     [4096, 8192)   superblock slot 1   } a commit writes the other one (crc32c over bytes 0..92)
 *                    u64 magic "UFSDMTP1", u32 version 1, u32 block size, u64 generation,
 *                    u64 data blocks, u64 metadata bytes, u64 checkpoint offset, u64 checkpoint length,
 *                    u32 checkpoint crc32c, u32 half, u64 journal offset, u64 journal length,
 *                    u64 transaction id, u32 time, u32 crc32c
 *     [8192, size/2) half 0: checkpoint, then from the next 4 KiB boundary its journal
 *     [size/2, size) half 1: the same; a new checkpoint always goes to the half not in use
 * </pre>
 *
 * A checkpoint ({@link org.unionfs.driver.devicemapper.pool.Checkpoint}) is a full image: devices,
 * their mappings and the data-block reference counts. The journal
 * ({@link org.unionfs.driver.devicemapper.pool.Journal}) holds the records of every commit since,
 * each with its own crc32c. The committed state is the checkpoint plus the journal up to the length
 * the superblock names; bytes after it are an interrupted commit and are ignored.
 *
 * <h2>Semantics</h2>
 *
 * As the kernel's dm-thin: 24-bit device ids, {@code create_thin}, {@code create_snap} (the pool time
 * advances; origin and snapshot share every block), {@code delete}, discard of whole blocks,
 * {@code set_transaction_id} compare-and-swap, and mappings carrying the pool time of their write.
 * Thin devices have no size here (the table gives it in the kernel; the driver keeps it).
 *
 * <h2>Interop and checking</h2>
 *
 * {@link org.unionfs.driver.devicemapper.pool.ThinXml} exports what {@code thin_dump} prints (byte for
 * byte) and restores {@code thin_dump} XML; {@link org.unionfs.driver.devicemapper.pool.NativeMetadata}
 * writes the kernel's own metadata format, which {@code thin_check} accepts and {@code thin_dump}
 * prints as our XML. {@link org.unionfs.driver.devicemapper.pool.PoolVerifier} checks a pool's own
 * metadata and {@link org.unionfs.driver.devicemapper.pool.NativeMetadataVerifier} a native file, both
 * covering what {@code thin_check} 0.9.0 does not (data reference counts, blocks past the data
 * device, magic, 24-bit ids). {@link org.unionfs.driver.devicemapper.pool.DeviceImages} copies a
 * device to and from an image file (zero blocks unmapped / holes), for mkfs and fsck without root.
 *
 * <h2>When the pool commits</h2>
 *
 * On {@link org.unionfs.driver.devicemapper.pool.ThinPool#commit()}, on close, after an XML restore,
 * and inside a write that would otherwise fail for space while blocks freed in the open transaction
 * wait for a commit.
 */
package org.unionfs.driver.devicemapper.pool;
