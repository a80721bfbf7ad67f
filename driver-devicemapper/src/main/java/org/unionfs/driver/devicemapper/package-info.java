/**
 * The devicemapper graphdriver: Docker's loop-lvm devicemapper on a pure-Java dm-thin pool
 * ({@link org.unionfs.driver.devicemapper.pool}), each active thin device shown to the kernel as a loop
 * device on a FUSE file ({@link org.unionfs.driver.devicemapper.activation}), with ext4 (or xfs) on it.
 *
 * <h2>On-disk layout</h2>
 *
 * <pre>
 * &lt;home&gt;/                       0700   (&lt;root&gt;/devicemapper)
 *   devicemapper/                0700
 *     data                       0600   the pool's sparse data file (dm.loopdatasize, 100 GiB)
 *     metadata                   0600   the pool's sparse metadata file (dm.loopmetadatasize, 2 GiB)
 *     fuse/                             FUSE mount of this process: one file &lt;device id&gt; per active device
 *   metadata/                    0700   moby's JSON files, each written by temp file + fsync + rename
 *     base                       0600   {"device_id":1,"size":10737418240,"transaction_id":1,
 *                                        "initialized":true,"deleted":false}
 *     &lt;id&gt;                       0600   the same for a layer, plus "parent":"&lt;id&gt;" when it has one (ours)
 *     @base, @deviceset-metadata, ...   a layer whose id is one of Docker's file names (ours)
 *     transaction-metadata       0600   {"open_transaction_id":2,"device_hash":"&lt;id&gt;","device_id":2}
 *     deviceset-metadata         0600   {"next_device_id":2,"BaseDeviceUUID":"...","BaseDeviceFilesystem":"ext4"}
 *   mnt/                         0755
 *     &lt;id&gt;/                      0755   while got: the device's filesystem, mounted (removed by the last put)
 *       rootfs/                  0755   what get returns (lost+found stays outside the layer)
 *       id                       0600   the layer id
 *     .grow-&lt;device id&gt;/                scratch mount point while a filesystem is grown
 * </pre>
 *
 * <h2>Devices and transactions</h2>
 *
 * As moby's {@code DeviceSet}: the base device (id 1, {@code dm.basesize}, 10 GiB) is made once and
 * formatted with {@code mkfs.ext4 -E nodiscard,lazy_itable_init=0,lazy_journal_init=0} and
 * {@code tune2fs -c -1 -i 0} (or {@code mkfs.xfs}; {@code dm.fs}, {@code dm.mkfsarg}); every layer is a
 * thin snapshot of its parent's device, or of the base device, with the next free 24-bit id after
 * {@code next_device_id}. Each pool change is one transaction: {@code transaction-metadata} is written
 * first, then the pool changes and the device's file is written or removed, then
 * {@code set_transaction_id} and a pool commit end it. On open, an open transaction id above the pool's
 * committed one is rolled back as moby's {@code processPendingTransaction}: the device is deleted from
 * the pool and its file removed (an interrupted create disappears, an interrupted remove completes).
 * New snapshots are refused with ENOSPC while the pool has less than {@code dm.min_free_space} (10%) of
 * its data or metadata blocks free. The storage option {@code size} makes a larger device and grows its
 * filesystem ({@code resize2fs}, {@code xfs_growfs}); smaller than the parent is refused.
 *
 * <h2>get and put</h2>
 *
 * The first get activates the device (FUSE file, {@code losetup --direct-io=on}) and mounts it on
 * {@code mnt/<id>} ({@code nouuid} for xfs, then {@code dm.mountopt}, then the SELinux context), creates
 * {@code rootfs/} and {@code id}, and returns {@code mnt/<id>/rootfs}; the last put unmounts (retrying
 * while the filesystem is briefly busy), removes the mount point and deactivates the device (loop
 * detached, FUSE file gone). Both are reference-counted. A snapshot of a mounted parent is taken with the
 * parent's filesystem frozen ({@code fsfreeze}), as moby suspends an active origin. Opening the driver
 * takes the pool's lock (one process per home), then clears what a killed process left: filesystems
 * still mounted under {@code mnt/}, loops on files of the dead FUSE mount, the FUSE mount itself. A
 * holder of the pool's lock that was killed during I/O on its own devices cannot exit by itself; when it
 * is certainly dying, its FUSE connection is aborted so that it can ({@code DyingOwner}).
 *
 * <h2>Differences from moby</h2>
 *
 * A layer with children cannot be removed (thin snapshots do not need their origin, but every driver of
 * this library refuses it; the parent is kept in the device's file). Deferred removal and deletion,
 * udev, {@code dm.thinpooldev}, {@code dm.datadev}, {@code dm.metadatadev} and direct-lvm belong to the
 * kernel's device-mapper and are refused as not supported; {@code dm.blkdiscard} (the pool frees a
 * deleted device's blocks itself), {@code dm.override_udev_sync_check} and {@code dm.libdm_log_level}
 * are accepted and change nothing. The base device's UUID is read from its superblock in the pool
 * instead of by {@code blkid}. An existing pool keeps its geometry: a larger {@code dm.loopdatasize}
 * does not grow it. {@code dm.mkfsarg} is split at white space (an option map holds one value per key).
 */
package org.unionfs.driver.devicemapper;
