package org.unionfs.driver.devicemapper.pool;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The records of the open transaction, and their replay.
 *
 * <p>A record is {@code u32 length, u32 crc32c(payload), payload}, big-endian, where the payload is a
 * type byte and its fields. Records describe metadata changes only (data blocks are written to the
 * data file directly); replay calls the same {@link PoolState} methods that made them, so reference
 * counts after a replay are the ones the live pool had.
 */
final class Journal {
  static final byte CREATE = 1;
  static final byte SNAP = 2;
  static final byte DELETE = 3;
  static final byte MAP = 4;
  static final byte UNMAP = 5;
  static final byte TRANSACTION_ID = 6;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream payload = new ByteArrayOutputStream(64);
  private final DataOutputStream out = new DataOutputStream(payload);
  private final CRC32C crc = new CRC32C();

  void create(int id, long tid, int creationTime, int snapshottedTime) {
    record(() -> {
      out.writeByte(CREATE);
      out.writeInt(id);
      out.writeLong(tid);
      out.writeInt(creationTime);
      out.writeInt(snapshottedTime);
    });
  }

  void snap(int id, int origin) {
    record(() -> {
      out.writeByte(SNAP);
      out.writeInt(id);
      out.writeInt(origin);
    });
  }

  void delete(int id) {
    record(() -> {
      out.writeByte(DELETE);
      out.writeInt(id);
    });
  }

  void map(int dev, long vblock, long dataBlock, int time) {
    record(() -> {
      out.writeByte(MAP);
      out.writeInt(dev);
      out.writeLong(vblock);
      out.writeLong(dataBlock);
      out.writeInt(time);
    });
  }

  void unmap(int dev, long vblock) {
    record(() -> {
      out.writeByte(UNMAP);
      out.writeInt(dev);
      out.writeLong(vblock);
    });
  }

  void transactionId(long tid) {
    record(() -> {
      out.writeByte(TRANSACTION_ID);
      out.writeLong(tid);
    });
  }

  /** Bytes of the records of the open transaction. */
  int size() {
    return bytes.size();
  }

  byte[] bytes() {
    return bytes.toByteArray();
  }

  void clear() {
    bytes.reset();
  }

  private interface Body {
    void write() throws IOException;
  }

  private void record(Body body) {
    try {
      payload.reset();
      body.write();
      out.flush();
      byte[] p = payload.toByteArray();
      crc.reset();
      crc.update(p);
      DataOutputStream o = new DataOutputStream(bytes);
      o.writeInt(p.length);
      o.writeInt((int) crc.getValue());
      o.write(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
  }

  /**
   * Replays committed records onto {@code state}.
   *
   * @throws IllegalStateException naming the record when a checksum or a record is invalid
   */
  static void replay(ByteBuffer in, PoolState state) {
    CRC32C c = new CRC32C();
    int n = 0;
    while (in.hasRemaining()) {
      int at = in.position();
      if (in.remaining() < 8) {
        throw new IllegalStateException("journal record " + n + " at " + at + " is truncated");
      }
      int len = in.getInt();
      int sum = in.getInt();
      if (len < 1 || len > in.remaining()) {
        throw new IllegalStateException("journal record " + n + " at " + at + " has bad length " + len);
      }
      ByteBuffer p = in.slice().limit(len);
      c.reset();
      c.update(p.duplicate());
      if ((int) c.getValue() != sum) {
        throw new IllegalStateException("journal record " + n + " at " + at + " has a bad checksum");
      }
      in.position(in.position() + len);
      apply(p, state, n, at);
      n++;
    }
  }

  private static void apply(ByteBuffer p, PoolState s, int n, int at) {
    byte type = p.get();
    switch (type) {
      case CREATE -> s.createThin(p.getInt(), p.getLong(), p.getInt(), p.getInt());
      case SNAP -> {
        int id = p.getInt();
        int origin = p.getInt();
        require(s.device(origin) != null && s.device(id) == null, n, at, "snapshot of a missing origin");
        s.createSnap(id, origin);
      }
      case DELETE -> {
        int id = p.getInt();
        require(s.device(id) != null, n, at, "delete of missing device " + id);
        s.delete(id);
      }
      case MAP -> {
        int dev = p.getInt();
        long v = p.getLong();
        long b = p.getLong();
        int t = p.getInt();
        require(s.device(dev) != null, n, at, "mapping of missing device " + dev);
        s.map(dev, v, b, t);
      }
      case UNMAP -> {
        int dev = p.getInt();
        long v = p.getLong();
        require(s.device(dev) != null, n, at, "unmapping of missing device " + dev);
        s.unmap(dev, v);
      }
      case TRANSACTION_ID -> s.setTransactionId(p.getLong());
      default -> throw new IllegalStateException("journal record " + n + " at " + at + " has unknown type " + type);
    }
  }

  private static void require(boolean ok, int n, int at, String what) {
    if (!ok) {
      throw new IllegalStateException("journal record " + n + " at " + at + ": " + what);
    }
  }
}
