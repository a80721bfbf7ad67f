package org.unionfs.driver.devicemapper.pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pool's metadata in memory: devices, their mappings, data-block reference counts, the pool time
 * and transaction id. Every change goes through the few methods here, which also append the change
 * to the open {@link Journal} transaction, so replaying a journal on a checkpoint calls exactly the
 * code that made the change.
 *
 * <p>The state also remembers, for the open transaction, each changed block's count at the last
 * commit ({@link #committedRef}). Blocks freed in the open transaction stay unallocatable until the
 * commit, because the committed metadata (what a crash returns to) still maps them.
 */
final class PoolState {
  /** A thin device: dm-thin's device details plus its mapping. */
  static final class Device {
    final int id;
    long transactionId;
    int creationTime;
    int snapshottedTime;
    final BlockMap map;
    /** Created (or re-created) since the last commit: none of its blocks may be written in place. */
    boolean createdInTransaction;

    Device(int id, long transactionId, int creationTime, int snapshottedTime, BlockMap map) {
      this.id = id;
      this.transactionId = transactionId;
      this.creationTime = creationTime;
      this.snapshottedTime = snapshottedTime;
      this.map = map;
    }
  }

  final long nrDataBlocks;
  final TreeMap<Integer, Device> devices = new TreeMap<>();
  final int[] ref;
  int time;
  long transactionId;
  /** Set while replaying or verifying: impossible decrements are recorded instead of thrown. */
  final List<String> anomalies = new ArrayList<>();
  Journal journal;

  private final Map<Integer, Integer> committedRef = new HashMap<>();
  private long free;
  private long pendingFree;
  /** No allocatable block lies below it (first fit, as dm-thin's allocator searching from a hint). */
  private int cursor;
  /** The lowest block freed in the open transaction (allocatable from the next commit on). */
  private int lowestPendingFree = Integer.MAX_VALUE;

  PoolState(long nrDataBlocks) {
    this.nrDataBlocks = nrDataBlocks;
    this.ref = new int[Math.toIntExact(nrDataBlocks)];
    this.free = nrDataBlocks;
  }

  Device device(int id) {
    return devices.get(id);
  }

  void createThin(int id, long tid, int creationTime, int snapshottedTime) {
    Device d = new Device(id, tid, creationTime, snapshottedTime, new BlockMap());
    d.createdInTransaction = true;
    devices.put(id, d);
    if (journal != null) {
      journal.create(id, tid, creationTime, snapshottedTime);
    }
  }

  /** dm-thin's create_snap: the pool time advances, origin and snapshot share every block. */
  void createSnap(int id, int originId) {
    Device origin = devices.get(originId);
    time++;
    origin.snapshottedTime = time;
    Device d = new Device(id, transactionId, time, time, origin.map.snapshot());
    d.createdInTransaction = true;
    d.map.forEach((v, b, t) -> incRef(b));
    devices.put(id, d);
    if (journal != null) {
      journal.snap(id, originId);
    }
  }

  void delete(int id) {
    Device d = devices.remove(id);
    d.map.forEach((v, b, t) -> decRef(b));
    d.map.release();
    if (journal != null) {
      journal.delete(id);
    }
  }

  /** Maps {@code vblock} of {@code dev} to {@code dataBlock}, dropping the reference to what it mapped. */
  void map(int devId, long vblock, long dataBlock, int t) {
    Device d = devices.get(devId);
    incRef(dataBlock);
    long old = d.map.put(vblock, BlockMap.pack(dataBlock, t));
    if (old != 0) {
      decRef(BlockMap.dataBlock(old));
    }
    if (journal != null) {
      journal.map(devId, vblock, dataBlock, t);
    }
  }

  void unmap(int devId, long vblock) {
    long old = devices.get(devId).map.put(vblock, 0);
    if (old != 0) {
      decRef(BlockMap.dataBlock(old));
    }
    if (journal != null) {
      journal.unmap(devId, vblock);
    }
  }

  void setTransactionId(long tid) {
    transactionId = tid;
    if (journal != null) {
      journal.transactionId(tid);
    }
  }

  /** Data blocks free now and in the committed metadata: what writes may still allocate. */
  long allocatable() {
    return free - pendingFree;
  }

  long usedDataBlocks() {
    return nrDataBlocks - free;
  }

  /** Reference count of {@code block} at the last commit. */
  int committedRef(long block) {
    Integer c = committedRef.get((int) block);
    return c == null ? ref[(int) block] : c;
  }

  /** A block free now and at the last commit, or -1. */
  long allocate() {
    if (allocatable() <= 0) {
      return -1;
    }
    for (int b = cursor; b < ref.length; b++) {
      if (ref[b] == 0 && committedRef(b) == 0) {
        cursor = b + 1;
        return b;
      }
    }
    throw new IllegalStateException("free data block count " + allocatable() + " but none found");
  }

  /** The open transaction became the committed one. */
  void committed() {
    committedRef.clear();
    pendingFree = 0;
    cursor = Math.min(cursor, lowestPendingFree);
    lowestPendingFree = Integer.MAX_VALUE;
    for (Device d : devices.values()) {
      d.createdInTransaction = false;
    }
  }

  private void incRef(long block) {
    if (block < 0 || block >= nrDataBlocks) {
      anomalies.add("data block " + block + " out of range (pool has " + nrDataBlocks + ")");
      return;
    }
    int b = (int) block;
    committedRef.putIfAbsent(b, ref[b]);
    if (ref[b]++ == 0) {
      free--;
    }
  }

  private void decRef(long block) {
    if (block < 0 || block >= nrDataBlocks) {
      return; // reported when it was referenced
    }
    int b = (int) block;
    if (ref[b] == 0) {
      anomalies.add("data block " + b + " released more often than referenced");
      return;
    }
    committedRef.putIfAbsent(b, ref[b]);
    if (--ref[b] == 0) {
      free++;
      if (committedRef(b) > 0) {
        pendingFree++;
        lowestPendingFree = Math.min(lowestPendingFree, b);
      } else {
        cursor = Math.min(cursor, b);
      }
    }
  }

  /** Loads stored reference counts (a checkpoint), recomputing the free count. */
  void loadRefCount(int block, int count) {
    if (ref[block] == 0 && count > 0) {
      free--;
    }
    ref[block] = count;
  }

  /**
   * Recomputes every reference count from the mappings and compares it to the stored one; checks
   * ids, ranges and times. Returns one line per problem (empty when consistent).
   */
  List<String> check() {
    List<String> problems = new ArrayList<>(anomalies);
    int[] counted = new int[ref.length];
    for (Device d : devices.values()) {
      if (d.id < 0 || d.id > ThinPool.MAX_DEVICE_ID) {
        problems.add("device id " + d.id + " is not a 24-bit id");
      }
      if (d.creationTime > time || d.snapshottedTime > time) {
        problems.add("device " + d.id + " has times after the pool time " + time);
      }
      long[] mapped = {0};
      d.map.forEach((v, b, t) -> {
        mapped[0]++;
        if (b < 0 || b >= nrDataBlocks) {
          problems.add("device " + d.id + " block " + v + " maps data block " + b + " beyond the pool's "
              + nrDataBlocks);
        } else {
          counted[(int) b]++;
        }
        if (t > time) {
          problems.add("device " + d.id + " block " + v + " has time " + t + " after the pool time " + time);
        }
      });
      if (mapped[0] != d.map.mapped()) {
        problems.add("device " + d.id + " counts " + d.map.mapped() + " mapped blocks but maps " + mapped[0]);
      }
    }
    long freeCounted = 0;
    for (int b = 0; b < ref.length; b++) {
      if (counted[b] == 0) {
        freeCounted++;
      }
      if (counted[b] == ref[b]) {
        continue;
      }
      if (counted[b] == 0) {
        problems.add("leaked data block " + b + ": reference count " + ref[b] + " but no mapping");
      } else if (counted[b] > ref[b]) {
        problems.add("data block " + b + " owned " + counted[b] + " times but counted " + ref[b]
            + (ref[b] <= 1 ? " (doubly owned)" : ""));
      } else {
        problems.add("data block " + b + " counted " + ref[b] + " but mapped " + counted[b] + " times");
      }
    }
    if (freeCounted != free) {
      problems.add("free data blocks counted " + free + " but " + freeCounted + " are unmapped");
    }
    return problems;
  }
}
