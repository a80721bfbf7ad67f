package org.unionfs.driver.devicemapper.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * A seeded random sequence of pool operations and the in-memory model of every device's bytes it
 * implies. Run with a pool, each step is applied to both; run without one (the crash test's
 * parent), only the model advances, so the same seed reproduces what a killed child did.
 */
final class ModelRun {
  static final int BS = 64 << 10;
  static final int DEV_BLOCKS = 8;
  static final int DEV_BYTES = DEV_BLOCKS * BS;
  static final int[] IDS = {1, 2, 3, 4, 5, 6, 7, ThinPool.MAX_DEVICE_ID};

  /** A write since some commit: device, offset, length. */
  record Written(int dev, long offset, int length) {}

  final Random rnd;
  final TreeMap<Integer, byte[]> model = new TreeMap<>();
  long transactionId;
  int commits;
  final List<Written> writes = new ArrayList<>();
  /** Whether the step most recently run changed the model (false on ENOSPC). */
  int enospc;
  String lastOp = "";
  /** Called with the commit's number just before and just after the pool commits (crash child). */
  java.util.function.IntConsumer beforeCommit = n -> {};
  java.util.function.IntConsumer afterCommit = n -> {};

  ModelRun(long seed) {
    this.rnd = new Random(seed);
  }

  /** A deep copy of the model. */
  Map<Integer, byte[]> copy() {
    TreeMap<Integer, byte[]> c = new TreeMap<>();
    model.forEach((k, v) -> c.put(k, v.clone()));
    return c;
  }

  /** Runs one step; returns true when it was a commit. */
  boolean step(ThinPool pool) throws IOException {
    int op = rnd.nextInt(100);
    if (model.isEmpty() || op < 8) {
      int id = IDS[rnd.nextInt(IDS.length)];
      if (model.containsKey(id)) {
        return step(pool);
      }
      lastOp = "createThin " + id;
      if (pool != null) {
        pool.createThin(id);
      }
      model.put(id, new byte[DEV_BYTES]);
    } else if (op < 18) {
      int id = IDS[rnd.nextInt(IDS.length)];
      int origin = pick();
      if (model.containsKey(id)) {
        return step(pool);
      }
      lastOp = "createSnap " + id + " of " + origin;
      if (pool != null) {
        pool.createSnap(id, origin);
      }
      model.put(id, model.get(origin).clone());
    } else if (op < 24) {
      int id = pick();
      lastOp = "delete " + id;
      if (pool != null) {
        pool.delete(id);
      }
      model.remove(id);
    } else if (op < 78) {
      int id = pick();
      int off = rnd.nextInt(DEV_BYTES);
      int len = 1 + rnd.nextInt(Math.min(DEV_BYTES - off, rnd.nextBoolean() ? 4 * BS : 300));
      if (rnd.nextInt(4) == 0) { // whole aligned blocks too
        off = rnd.nextInt(DEV_BLOCKS) * BS;
        len = Math.min(DEV_BYTES - off, BS * (1 + rnd.nextInt(3)));
      }
      byte[] data = new byte[len];
      rnd.nextBytes(data);
      lastOp = "write " + id + " " + off + "+" + len;
      if (pool != null) {
        try {
          pool.write(id, off, ByteBuffer.wrap(data));
        } catch (PosixException e) {
          if (e.errno() != Posix.ENOSPC) {
            throw e;
          }
          enospc++;
          return false;
        }
      }
      System.arraycopy(data, 0, model.get(id), off, len);
      writes.add(new Written(id, off, len));
    } else if (op < 86) {
      int id = pick();
      int off = rnd.nextInt(DEV_BYTES);
      int len = rnd.nextInt(DEV_BYTES - off + 1);
      lastOp = "discard " + id + " " + off + "+" + len;
      if (pool != null) {
        pool.discard(id, off, len);
      }
      long first = (off + BS - 1L) / BS;
      long end = (off + (long) len) / BS;
      for (long v = first; v < end; v++) {
        java.util.Arrays.fill(model.get(id), (int) (v * BS), (int) ((v + 1) * BS), (byte) 0);
      }
    } else if (op < 90) {
      lastOp = "setTransactionId " + transactionId + " " + (transactionId + 1);
      if (pool != null) {
        pool.setTransactionId(transactionId, transactionId + 1);
      }
      transactionId++;
    } else {
      lastOp = "commit";
      commits++;
      if (pool != null) {
        beforeCommit.accept(commits);
        pool.commit();
        afterCommit.accept(commits);
      }
      return true;
    }
    return false;
  }

  private int pick() {
    List<Integer> ids = new ArrayList<>(model.keySet());
    return ids.get(rnd.nextInt(ids.size()));
  }

  /** Every device's bytes in the pool equal the model's. */
  static String compare(ThinPool pool, Map<Integer, byte[]> model) throws IOException {
    List<Integer> ids = new ArrayList<>();
    pool.devices().forEach(d -> ids.add(d.id()));
    if (!ids.equals(new ArrayList<>(model.keySet()))) {
      return "devices " + ids + " but model has " + model.keySet();
    }
    for (Map.Entry<Integer, byte[]> e : model.entrySet()) {
      ByteBuffer b = ByteBuffer.allocate(DEV_BYTES);
      pool.read(e.getKey(), 0, b);
      if (!java.util.Arrays.equals(b.array(), e.getValue())) {
        return "device " + e.getKey() + " differs from the model at byte " + java.util.Arrays.mismatch(b.array(),
            e.getValue());
      }
    }
    return null;
  }
}
