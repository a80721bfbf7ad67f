package org.unionfs.driver.devicemapper.pool;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.unionfs.api.error.LayerCorruptException;

/**
 * A full image of the pool state: {@code u32 magic, u32 time, u64 transaction id, u32 devices}, per
 * device {@code u32 id, u64 transaction id, u32 creation time, u32 snapshotted time, u64 n} and n
 * mappings {@code u64 virtual block, u64 data block, u32 time} in ascending order, then {@code u64 n}
 * and n non-zero reference counts {@code u32 block, u32 count}. Big-endian. Reference counts are
 * stored, not derived, so the verifier can compare them with the mappings.
 */
final class Checkpoint {
  private Checkpoint() {}

  static long length(PoolState s) {
    long n = 4 + 4 + 8 + 4 + 8;
    for (PoolState.Device d : s.devices.values()) {
      n += 4 + 8 + 4 + 4 + 8 + 20 * d.map.mapped();
    }
    for (int r : s.ref) {
      if (r != 0) {
        n += 8;
      }
    }
    return n;
  }

  static void write(PoolState s, DataOutputStream out) throws IOException {
    out.writeInt(MetadataStore.CHECKPOINT_MAGIC);
    out.writeInt(s.time);
    out.writeLong(s.transactionId);
    out.writeInt(s.devices.size());
    IOException[] failure = {null};
    for (PoolState.Device d : s.devices.values()) {
      out.writeInt(d.id);
      out.writeLong(d.transactionId);
      out.writeInt(d.creationTime);
      out.writeInt(d.snapshottedTime);
      out.writeLong(d.map.mapped());
      d.map.forEach((v, b, t) -> {
        try {
          out.writeLong(v);
          out.writeLong(b);
          out.writeInt(t);
        } catch (IOException e) {
          failure[0] = e;
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
    }
    long nonZero = 0;
    for (int r : s.ref) {
      nonZero += r != 0 ? 1 : 0;
    }
    out.writeLong(nonZero);
    for (int b = 0; b < s.ref.length; b++) {
      if (s.ref[b] != 0) {
        out.writeInt(b);
        out.writeInt(s.ref[b]);
      }
    }
  }

  /** Loads a checkpoint into an empty state without touching reference counts except from the stored ones. */
  static void read(ByteBuffer in, PoolState s) throws LayerCorruptException {
    try {
      if (in.getInt() != MetadataStore.CHECKPOINT_MAGIC) {
        throw new LayerCorruptException("devicemapper checkpoint: bad magic");
      }
      s.time = in.getInt();
      s.transactionId = in.getLong();
      int devices = in.getInt();
      for (int i = 0; i < devices; i++) {
        int id = in.getInt();
        PoolState.Device d = new PoolState.Device(id, in.getLong(), in.getInt(), in.getInt(), new BlockMap());
        if (s.devices.put(id, d) != null) {
          s.anomalies.add("device " + id + " appears twice in the checkpoint");
        }
        long n = in.getLong();
        long prev = -1;
        for (long k = 0; k < n; k++) {
          long v = in.getLong();
          long b = in.getLong();
          int t = in.getInt();
          if (v <= prev) {
            s.anomalies.add("device " + id + " mappings out of order at virtual block " + v);
          }
          prev = v;
          d.map.put(v, BlockMap.pack(b, t));
        }
      }
      long refs = in.getLong();
      for (long k = 0; k < refs; k++) {
        int b = in.getInt();
        int c = in.getInt();
        if (b < 0 || b >= s.ref.length || c <= 0) {
          s.anomalies.add("stored reference count " + c + " for data block " + b + " is invalid");
        } else {
          s.loadRefCount(b, c);
        }
      }
      if (in.hasRemaining()) {
        s.anomalies.add(in.remaining() + " trailing bytes after the checkpoint");
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new LayerCorruptException("devicemapper checkpoint: truncated", e);
    }
  }
}
