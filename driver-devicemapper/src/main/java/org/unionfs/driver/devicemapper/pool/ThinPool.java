package org.unionfs.driver.devicemapper.pool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * A dm-thin pool in pure Java: thin devices with 24-bit ids over one sparse data file, with
 * snapshots that share every block and copy a block on its first write after the snapshot.
 *
 * <p>Changes form an open transaction until {@link #commit()}; a crash (even kill -9) at any point
 * reopens to the last commit. Data reaches the data file before the commit that maps it, and a data
 * block the committed metadata still uses is never overwritten: a block is written in place only when
 * this device alone maps it now and at the last commit (as the kernel writes an unshared block in
 * place), otherwise it is copied to a block free in both. Blocks freed in the open transaction become
 * allocatable at the commit. Data written in place since the last commit is, as on a real disk,
 * either old or new after a crash. {@link #close()} commits, and so does a write that would fail for
 * space while blocks freed in the open transaction wait for a commit.
 *
 * <p>All methods are thread-safe. Reads and writes of different blocks run concurrently: the
 * metadata changes under the pool's monitor, the data file is read and written outside it (see
 * {@link IoLocks}); commit, snapshot, delete and discard wait for the reads and writes in flight.
 */
public final class ThinPool implements Closeable {
  /** The kernel's {@code MAX_DEV_ID}: thin device ids are 24-bit. */
  public static final int MAX_DEVICE_ID = (1 << 24) - 1;
  /** Docker's loop-lvm data file name under {@code <home>/devicemapper}. */
  public static final String DATA_FILE = "data";
  /** Docker's loop-lvm metadata file name under {@code <home>/devicemapper}. */
  public static final String METADATA_FILE = "metadata";

  private final Path dir;
  private final FileChannel data;
  private final FileChannel meta;
  private final FileLock lock;
  private final MetadataStore store;
  private final PoolState state;
  private final int blockSize;
  private final IoLocks locks = new IoLocks();
  private boolean forceCheckpoint;
  private volatile boolean closed;
  /** Data written since the last commit (in place or not): a commit must force the data file. */
  private volatile boolean dataDirty;

  private ThinPool(Path dir, FileChannel data, FileChannel meta, FileLock lock, MetadataStore store,
      PoolState state) {
    this.dir = dir;
    this.data = data;
    this.meta = meta;
    this.lock = lock;
    this.store = store;
    this.state = state;
    this.blockSize = store.superblock().blockSize();
    state.journal = new Journal();
  }

  /** Whether {@code dir} holds a pool (its metadata file exists). */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(METADATA_FILE));
  }

  /**
   * Creates an empty pool in {@code dir} (made if missing): the sparse data file, then the metadata
   * file, formatted under a temporary name and renamed into place last, so a crash leaves no pool.
   *
   * @throws LayerExistsException if {@code dir} already holds a pool
   */
  public static ThinPool create(Path dir, PoolConfig config) throws IOException {
    long blocks = config.validate();
    if (exists(dir)) {
      throw new LayerExistsException("devicemapper pool " + dir + ": already exists");
    }
    Files.createDirectories(dir);
    try (FileChannel d = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      d.truncate(0);
      d.write(ByteBuffer.allocate(1), blocks * config.blockSize() - 1); // sparse: only the last byte
      d.force(true);
    }
    Path tmp = dir.resolve(METADATA_FILE + ".tmp");
    try (FileChannel m = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
      m.write(ByteBuffer.allocate(1), config.metadataSize() - 1);
      MetadataStore.format(m, tmp, config.blockSize(), blocks, config.metadataSize());
    }
    Files.move(tmp, dir.resolve(METADATA_FILE), StandardCopyOption.ATOMIC_MOVE);
    return open(dir);
  }

  /**
   * Opens the pool in {@code dir} at its last committed transaction.
   *
   * @throws LayerNotFoundException if there is no pool
   * @throws LayerInUseException if another process (or another instance) has it open
   * @throws LayerCorruptException if the metadata cannot be read back
   */
  public static ThinPool open(Path dir) throws IOException {
    if (!exists(dir)) {
      throw new LayerNotFoundException("devicemapper pool " + dir + ": no " + METADATA_FILE + " file");
    }
    FileChannel meta = FileChannel.open(dir.resolve(METADATA_FILE), StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileChannel data = null;
    try {
      FileLock lock;
      try {
        lock = meta.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new LayerInUseException("devicemapper pool " + dir + ": open in another process");
      }
      MetadataStore store = MetadataStore.open(meta, dir.resolve(METADATA_FILE));
      PoolState state = store.load();
      // Refuse an inconsistent pool: allocating from wrong counts would hand one block to two devices.
      List<String> problems = state.check();
      if (!problems.isEmpty()) {
        throw new LayerCorruptException("devicemapper pool " + dir + ": " + problems.get(0) + " ("
            + problems.size() + " problems; run the verifier for the full list)");
      }
      data = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
      MetadataStore.Superblock sb = store.superblock();
      if (data.size() < sb.nrDataBlocks() * sb.blockSize()) {
        throw new LayerCorruptException("devicemapper pool " + dir + ": data file holds " + data.size()
            + " bytes, fewer than " + sb.nrDataBlocks() + " blocks of " + sb.blockSize());
      }
      return new ThinPool(dir, data, meta, lock, store, state);
    } catch (IOException | RuntimeException e) {
      if (data != null) {
        data.close();
      }
      meta.close(); // releases the lock too
      throw e;
    }
  }

  /** The pool directory ({@code <home>/devicemapper}). */
  public Path directory() {
    return dir;
  }

  /** Bytes per data block. */
  public int blockSize() {
    return blockSize;
  }

  /** dm-thin's {@code create_thin}: a new empty device. */
  public synchronized void createThin(int id) throws IOException {
    checkOpen();
    checkNewId(id);
    state.createThin(id, state.transactionId, state.time, state.time);
  }

  /**
   * dm-thin's {@code create_snap}: a new device mapping every block {@code origin} maps, sharing them.
   * Costs O(mapped blocks / 1024) for the mapping plus one counter increment per mapped block.
   */
  public void createSnap(int id, int origin) throws IOException {
    exclusively(() -> { // no write of the origin is half done when its blocks become shared
      checkOpen();
      checkNewId(id);
      device(origin, "snapshot origin");
      state.createSnap(id, origin);
    });
  }

  /** dm-thin's {@code delete}: drops the device; its blocks are free once no device maps them. */
  public void delete(int id) throws IOException {
    exclusively(() -> {
      checkOpen();
      device(id, "delete");
      state.delete(id);
    });
  }

  /**
   * dm-thin's {@code set_transaction_id old new}: compare-and-swap of the pool's transaction id.
   *
   * @throws InvalidArgumentException when the current id is not {@code expected} (the kernel's EINVAL)
   */
  public synchronized void setTransactionId(long expected, long next) throws IOException {
    checkOpen();
    if (state.transactionId != expected) {
      throw new InvalidArgumentException("devicemapper pool " + dir + ": set_transaction_id " + expected + " "
          + next + ": current transaction id is " + state.transactionId);
    }
    state.setTransactionId(next);
  }

  /** The transaction id of the open transaction. */
  public synchronized long transactionId() {
    return state.transactionId;
  }

  /** Whether device {@code id} exists. */
  public synchronized boolean hasDevice(int id) {
    return state.device(id) != null;
  }

  /** The details of device {@code id}. */
  public synchronized DeviceInfo deviceInfo(int id) throws IOException {
    return info(device(id, "info"));
  }

  /** Every device, by ascending id. */
  public synchronized List<DeviceInfo> devices() {
    List<DeviceInfo> out = new ArrayList<>();
    for (PoolState.Device d : state.devices.values()) {
      out.add(info(d));
    }
    return out;
  }

  /** The pool's counters, the open transaction included. */
  public synchronized PoolStatus status() {
    return new PoolStatus(state.transactionId, store.usedBlocks(state.journal.size()),
        store.superblock().metadataBytes() / PoolStatus.METADATA_BLOCK_SIZE, state.usedDataBlocks(),
        state.nrDataBlocks, blockSize);
  }

  /**
   * Reads {@code dst.remaining()} bytes of device {@code id} from byte {@code offset}; unmapped
   * blocks read as zeros.
   */
  public void read(int id, long offset, ByteBuffer dst) throws IOException {
    checkRange(id, offset, dst.remaining());
    long first = offset / blockSize;
    long count = DataIo.blocks(offset, dst.remaining(), blockSize);
    locks.lock(id, first, count, false);
    try {
      checkOpen();
      DataIo.read(this, id, offset, dst);
    } finally {
      locks.unlock(id, first, count, false);
    }
  }

  /**
   * Writes {@code src.remaining()} bytes at byte {@code offset} of device {@code id}, copying shared
   * blocks first (read-modify-write for partial blocks).
   *
   * @throws PosixException with {@link Posix#ENOSPC} when the pool lacks the data blocks the write
   *     needs; nothing is written then
   */
  public void write(int id, long offset, ByteBuffer src) throws IOException {
    checkRange(id, offset, src.remaining());
    long first = offset / blockSize;
    long count = DataIo.blocks(offset, src.remaining(), blockSize);
    for (boolean mayCommit = true; ; mayCommit = false) {
      locks.lock(id, first, count, true);
      try {
        checkOpen();
        if (DataIo.write(this, id, offset, src, mayCommit)) {
          dataDirty = true;
          return;
        }
      } finally {
        locks.unlock(id, first, count, true);
      }
      commit(); // outside the locks: a commit waits for every write in flight, this one included
    }
  }

  /**
   * Unmaps every whole block of device {@code id} inside {@code [offset, offset + length)}; partial
   * blocks at either end are left as they are (dm-thin ignores partial-block discards).
   *
   * @return the number of blocks unmapped
   */
  public long discard(int id, long offset, long length) throws IOException {
    checkRange(id, offset, length);
    long[] n = {0};
    exclusively(() -> {
      checkOpen();
      PoolState.Device d = device(id, "discard");
      long first = (offset + blockSize - 1) / blockSize;
      long end = (offset + length) / blockSize;
      for (long v = first; v < end; v++) {
        if (d.map.get(v) != 0) {
          state.unmap(id, v);
          n[0]++;
        }
      }
    });
    return n[0];
  }

  /**
   * Commits the open transaction: forces the data file, then the metadata (see {@link MetadataStore}).
   * The driver commits after every device operation and on every flush of a device.
   */
  public void commit() throws IOException {
    exclusively(() -> { // every write in flight has put its data in the file
      checkOpen();
      if (state.journal.size() == 0 && !forceCheckpoint) {
        // No metadata changed (ext4's flushes often follow in-place writes only): the committed
        // metadata stays as it is, only the data must be on disk. One fsync instead of three.
        if (dataDirty) {
          dataDirty = false;
          data.force(false);
        }
        return;
      }
      dataDirty = false;
      data.force(false);
      store.commit(state, state.journal.bytes(), forceCheckpoint);
      state.journal.clear();
      state.committed();
      forceCheckpoint = false;
    });
  }

  /** Recomputes every reference count of the live state; an empty list when consistent. */
  public synchronized List<String> verify() {
    return state.check();
  }

  /** Commits and closes; idempotent. */
  @Override
  public void close() throws IOException {
    exclusively(() -> {
      if (closed) {
        return;
      }
      try {
        commit();
      } finally {
        closed = true;
        try {
          data.close();
        } finally {
          lock.release();
          meta.close();
        }
      }
    });
  }

  /** A change of the pool made while no read or write is in flight. */
  interface Change {
    void run() throws IOException;
  }

  /**
   * Runs {@code change} holding the gate exclusively (every read and write in flight finishes first)
   * and then the monitor: the order every caller must keep.
   */
  void exclusively(Change change) throws IOException {
    if (Thread.holdsLock(this) && !locks.gate.isWriteLockedByCurrentThread()) {
      throw new IllegalStateException("pool monitor held before the gate: lock order broken");
    }
    locks.exclusive();
    try {
      synchronized (this) {
        change.run();
      }
    } finally {
      locks.releaseExclusive();
    }
  }

  // ---- package-private plumbing for DataIo and ThinXml ----

  PoolState state() {
    return state;
  }

  FileChannel data() {
    return data;
  }

  /** Makes the next commit write a full checkpoint (after a bulk change such as an import). */
  void checkpointNextCommit() {
    forceCheckpoint = true;
  }

  private static DeviceInfo info(PoolState.Device d) {
    return new DeviceInfo(d.id, d.map.mapped(), d.transactionId, d.creationTime, d.snapshottedTime);
  }

  /** Device {@code id}; the caller holds the monitor. */
  PoolState.Device device(int id, String op) throws IOException {
    PoolState.Device d = state.device(id);
    if (d == null) {
      throw new LayerNotFoundException("devicemapper pool " + dir + ": " + op + ": thin device " + id
          + " does not exist");
    }
    return d;
  }

  private void checkNewId(int id) throws IOException {
    if (id < 0 || id > MAX_DEVICE_ID) {
      throw new InvalidArgumentException("devicemapper pool " + dir + ": thin device id " + id
          + " is not in 0.." + MAX_DEVICE_ID);
    }
    if (state.device(id) != null) {
      throw new LayerExistsException("devicemapper pool " + dir + ": thin device " + id + " already exists");
    }
  }

  private void checkRange(int id, long offset, long length) throws InvalidArgumentException {
    if (offset < 0 || length < 0 || offset + length < offset) {
      throw new InvalidArgumentException("devicemapper pool " + dir + ": thin device " + id + ": bad range "
          + offset + "+" + length);
    }
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new java.nio.channels.ClosedChannelException();
    }
  }
}
