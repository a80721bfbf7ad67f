package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.driver.devicemapper.pool.PoolStatus;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * The thin devices of a home and their metadata, changed in moby's transactions (moby's
 * {@code DeviceSet} without activation and mounting): every pool change is preceded by
 * {@code transaction-metadata} naming the device and the transaction id the pool will have when the
 * change is complete, and completed by {@code set_transaction_id} and a pool commit. A crash in
 * between leaves the pool's committed transaction id below the open one; {@link #load} then rolls the
 * change back as moby's {@code processPendingTransaction}: the device is deleted from the pool and its
 * metadata file removed (a create is undone, a remove is completed).
 *
 * <p>Every method holds this object's lock: device changes are serialised, as moby serialises them
 * under its {@code DeviceSet} mutex.
 */
final class DeviceSet {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceSet.class);

  private final ThinPool pool;
  private final DmMetadata metadata;
  private final int minFreeSpacePercent;
  private final Map<String, DeviceRecord> devices = new TreeMap<>();
  private final BitSet usedIds = new BitSet();
  private DmMetadata.DeviceSetState state = DmMetadata.DeviceSetState.EMPTY;
  private long transactionId;
  private long openTransactionId;

  DeviceSet(ThinPool pool, DmMetadata metadata, int minFreeSpacePercent) {
    this.pool = pool;
    this.metadata = metadata;
    this.minFreeSpacePercent = minFreeSpacePercent;
  }

  /**
   * moby's {@code initMetaData} and {@code loadDeviceSetMetaData}: reads the pool's transaction id and
   * every device record, rolls back an open transaction, and completes deletions that Docker's deferred
   * deletion left marked.
   */
  synchronized void load() throws IOException {
    transactionId = pool.transactionId();
    devices.clear();
    usedIds.clear();
    devices.putAll(metadata.loadAll());
    devices.values().forEach(r -> usedIds.set(r.deviceId()));
    processPendingTransaction();
    state = metadata.readDeviceSet();
    for (DeviceRecord r : List.copyOf(devices.values())) {
      if (r.deleted()) {
        LOG.info("devicemapper: completing the deferred deletion of device {} ({})", r.deviceId(), name(r));
        delete(r);
      }
    }
  }

  private void processPendingTransaction() throws IOException {
    Optional<DmMetadata.Transaction> open = metadata.readTransaction();
    openTransactionId = open.map(DmMetadata.Transaction::openTransactionId).orElse(transactionId);
    if (open.isEmpty() || openTransactionId == transactionId) {
      return;
    }
    if (openTransactionId < transactionId) {
      LOG.error("devicemapper: open transaction id {} is less than pool transaction id {}",
          openTransactionId, transactionId);
      return;
    }
    DmMetadata.Transaction t = open.get();
    LOG.info("devicemapper: rolling back open transaction {} (device {}, hash \"{}\")",
        t.openTransactionId(), t.deviceId(), t.deviceHash());
    if (pool.hasDevice(t.deviceId())) {
      pool.delete(t.deviceId());
    }
    metadata.removeDevice(t.deviceHash());
    DeviceRecord gone = devices.remove(t.deviceHash());
    if (gone != null) {
      usedIds.clear(gone.deviceId());
    }
    usedIds.clear(t.deviceId());
    metadata.removeTransaction();
    pool.commit();
    openTransactionId = transactionId;
  }

  // ---- lookups ----

  synchronized Optional<DeviceRecord> lookup(String hash) {
    return Optional.ofNullable(devices.get(hash));
  }

  /** The layers whose parent is {@code hash}, sorted. */
  synchronized List<String> children(String hash) {
    List<String> out = new ArrayList<>();
    for (DeviceRecord r : devices.values()) {
      if (!r.isBase() && r.parent().equals(hash)) {
        out.add(r.hash());
      }
    }
    return out;
  }

  synchronized List<DeviceRecord> all() {
    return List.copyOf(devices.values());
  }

  synchronized DmMetadata.DeviceSetState state() {
    return state;
  }

  /** Records the base device's filesystem and UUID (moby's {@code saveBaseDeviceUUID}, ...Filesystem). */
  synchronized void saveState(String baseUuid, String baseFilesystem) throws IOException {
    DmMetadata.DeviceSetState next = new DmMetadata.DeviceSetState(state.nextDeviceId(), baseUuid, baseFilesystem);
    metadata.writeDeviceSet(next);
    state = next;
  }

  /** Saves {@code next_device_id} (moby does it on shutdown). */
  synchronized void saveState() throws IOException {
    metadata.writeDeviceSet(state);
  }

  /** Rewrites a record (size grown, base initialised). */
  synchronized void update(DeviceRecord r) throws IOException {
    metadata.writeDevice(r);
    devices.put(r.hash(), r);
  }

  synchronized long transactionId() {
    return transactionId;
  }

  synchronized int deferredDeletedCount() {
    return (int) devices.values().stream().filter(DeviceRecord::deleted).count();
  }

  // ---- changes ----

  /** moby's {@code createRegisterDevice}: a new empty thin device (the base device, hash ""). */
  synchronized DeviceRecord createThin(String hash, long size) throws IOException {
    int id = nextFreeId();
    openTransaction(hash, id);
    DeviceRecord r = new DeviceRecord(hash, id, size, openTransactionId, false, false, "");
    try {
      pool.createThin(id);
      register(r);
      closeTransaction();
      return r;
    } catch (IOException | RuntimeException e) {
      undoCreate(r, e);
      throw e;
    }
  }

  /**
   * moby's {@code takeSnapshot}: refuses below {@code dm.min_free_space}, then a snapshot of
   * {@code origin} named {@code hash} with {@code size} bytes.
   *
   * @throws PosixException with ENOSPC when the pool has less free space than {@code dm.min_free_space}
   */
  synchronized DeviceRecord createSnapshot(String hash, DeviceRecord origin, long size, String parent)
      throws IOException {
    poolHasFreeSpace();
    int id = nextFreeId();
    openTransaction(hash, id);
    DeviceRecord r = new DeviceRecord(hash, id, size, openTransactionId, false, false, parent);
    try {
      pool.createSnap(id, origin.deviceId());
      register(r);
      closeTransaction();
      return r;
    } catch (IOException | RuntimeException e) {
      undoCreate(r, e);
      throw e;
    }
  }

  /** moby's {@code deleteTransaction}: deletes the device from the pool and forgets its record. */
  synchronized void delete(DeviceRecord r) throws IOException {
    openTransaction(r.hash(), r.deviceId());
    try {
      if (pool.hasDevice(r.deviceId())) {
        pool.delete(r.deviceId());
      }
    } catch (IOException | RuntimeException e) {
      // Nothing changed: drop the open transaction, or the next open would roll it "back" by deleting.
      try {
        metadata.removeTransaction();
        openTransactionId = transactionId;
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    // From here the device is gone for this process; if a step below fails, the open transaction
    // makes the next open complete the deletion.
    devices.remove(r.hash());
    metadata.removeDevice(r.hash());
    closeTransaction();
    usedIds.clear(r.deviceId());
  }

  /** moby's {@code poolHasFreeSpace}, on data and metadata blocks. */
  private void poolHasFreeSpace() throws IOException {
    if (minFreeSpacePercent == 0) {
      return;
    }
    PoolStatus s = pool.status();
    long minFreeData = Math.max(1, s.totalDataBlocks() * minFreeSpacePercent / 100);
    long dataFree = s.totalDataBlocks() - s.usedDataBlocks();
    if (dataFree < minFreeData) {
      throw noSpace("Thin Pool has " + dataFree + " free data blocks which is less than minimum required "
          + minFreeData + " free data blocks. Create more free space in thin pool or use dm.min_free_space "
          + "option to change behavior");
    }
    long minFreeMeta = Math.max(1, s.totalMetadataBlocks() * minFreeSpacePercent / 100);
    long metaFree = s.totalMetadataBlocks() - s.usedMetadataBlocks();
    if (metaFree < minFreeMeta) {
      throw noSpace("Thin Pool has " + metaFree + " free metadata blocks which is less than minimum required "
          + minFreeMeta + " free metadata blocks. Create more free metadata space in thin pool or use "
          + "dm.min_free_space option to change behavior");
    }
  }

  private PosixException noSpace(String message) {
    return new PosixException(pool.directory().resolve(ThinPool.DATA_FILE).toString(), null, "create device",
        Posix.ENOSPC, "devmapper: " + message);
  }

  /** moby's {@code getNextFreeDeviceID}: the next id after the last one tried that neither side uses. */
  private int nextFreeId() throws IOException {
    int next = state.nextDeviceId();
    for (int i = 0; i <= ThinPool.MAX_DEVICE_ID; i++) {
      next = (next + 1) & ThinPool.MAX_DEVICE_ID;
      if (!usedIds.get(next) && !pool.hasDevice(next)) {
        state = new DmMetadata.DeviceSetState(next, state.baseDeviceUuid(), state.baseDeviceFilesystem());
        return next;
      }
    }
    throw new PosixException(pool.directory().toString(), null, "create device", Posix.ENOSPC,
        "devmapper: Unable to find a free device ID");
  }

  private void register(DeviceRecord r) throws IOException {
    usedIds.set(r.deviceId());
    devices.put(r.hash(), r);
    metadata.writeDevice(r);
  }

  private void openTransaction(String hash, int id) throws IOException {
    openTransactionId = transactionId + 1;
    metadata.writeTransaction(new DmMetadata.Transaction(openTransactionId, hash, id));
  }

  /** {@code set_transaction_id old new}, then the pool commit that makes the change durable. */
  private void closeTransaction() throws IOException {
    pool.setTransactionId(transactionId, openTransactionId);
    pool.commit();
    transactionId = openTransactionId;
  }

  /** Undoes a create that failed in this process, as moby does before returning the error. */
  private void undoCreate(DeviceRecord r, Exception cause) {
    try {
      if (pool.transactionId() != transactionId) {
        pool.setTransactionId(pool.transactionId(), transactionId);
      }
      if (pool.hasDevice(r.deviceId())) {
        pool.delete(r.deviceId());
      }
      devices.remove(r.hash());
      usedIds.clear(r.deviceId());
      metadata.removeDevice(r.hash());
      metadata.removeTransaction();
      pool.commit();
      openTransactionId = transactionId;
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e); // the open transaction file makes the next open roll it back
    }
  }

  /** moby's device name: {@code <prefix>-<hash>}, {@code <prefix>-base} for the base device. */
  static String name(String prefix, DeviceRecord r) {
    return prefix + "-" + (r.isBase() ? "base" : r.hash());
  }

  private static String name(DeviceRecord r) {
    return r.isBase() ? "base" : r.hash();
  }
}
