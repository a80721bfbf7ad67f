package org.unionfs.driver.devicemapper.pool;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * The metadata file: two superblock slots, then two halves that each hold a checkpoint followed by
 * its journal (see the package documentation for the byte layout).
 *
 * <p>A commit appends the open transaction's records after the committed journal, forces them, then
 * writes the superblock slot not holding the current generation and forces it. The slot write is
 * the commit point: a crash before it leaves the older slot (and the older journal length) in
 * charge, a crash after it the new one; a torn slot fails its checksum and the other slot wins.
 * When the journal outgrows its checkpoint, the commit writes a fresh checkpoint into the other
 * half instead, so the committed checkpoint is never overwritten before the switch.
 */
final class MetadataStore {
  static final long MAGIC = 0x5546_5344_4D54_5031L; // "UFSDMTP1"
  static final int VERSION = 1;
  static final int SLOT = 4096;
  static final int CHECKPOINT_MAGIC = 0x434B_5054; // "CKPT"
  static final int SB_CRC_AT = 92;
  /** A commit writes a checkpoint once the journal exceeds both this and the checkpoint's size. */
  static long checkpointThreshold = 1 << 20;

  /** The fields of one superblock slot. */
  record Superblock(int blockSize, long generation, long nrDataBlocks, long metadataBytes,
      long checkpointOffset, long checkpointLength, int checkpointCrc, int half, long journalOffset,
      long journalLength, long transactionId, int time) {}

  private final FileChannel ch;
  private final Path path;
  private Superblock sb;

  private MetadataStore(FileChannel ch, Path path, Superblock sb) {
    this.ch = ch;
    this.path = path;
    this.sb = sb;
  }

  Superblock superblock() {
    return sb;
  }

  long halfStart(int half) {
    return half == 0 ? 2L * SLOT : halfEnd(0);
  }

  long halfEnd(int half) {
    return half == 0 ? (sb.metadataBytes() / 2) / SLOT * SLOT : sb.metadataBytes();
  }

  /** Writes an empty pool's first checkpoint and superblock into a new, sized metadata file. */
  static MetadataStore format(FileChannel ch, Path path, int blockSize, long nrDataBlocks, long metadataBytes)
      throws IOException {
    Superblock empty = new Superblock(blockSize, 0, nrDataBlocks, metadataBytes, 0, 0, 0, 1, 0, 0, 0, 0);
    MetadataStore m = new MetadataStore(ch, path, empty);
    m.commit(new PoolState(nrDataBlocks), new byte[0], true);
    return m;
  }

  /** Reads the newest valid superblock, its checkpoint and its committed journal. */
  static MetadataStore open(FileChannel ch, Path path) throws IOException {
    Superblock best = null;
    for (int slot = 0; slot < 2; slot++) {
      Superblock s = readSlot(ch, slot);
      if (s != null && (best == null || s.generation() > best.generation())) {
        best = s;
      }
    }
    if (best == null) {
      throw new LayerCorruptException("devicemapper metadata " + path + ": no valid superblock");
    }
    return new MetadataStore(ch, path, best);
  }

  /** The committed state. Replay problems the state can absorb are left in {@link PoolState#anomalies}. */
  PoolState load() throws IOException {
    PoolState s = new PoolState(sb.nrDataBlocks());
    ByteBuffer ck = read(sb.checkpointOffset(), sb.checkpointLength());
    CRC32C c = new CRC32C();
    c.update(ck.duplicate());
    if ((int) c.getValue() != sb.checkpointCrc()) {
      throw new LayerCorruptException("devicemapper metadata " + path + ": checkpoint at "
          + sb.checkpointOffset() + " has a bad checksum");
    }
    Checkpoint.read(ck, s);
    try {
      Journal.replay(read(sb.journalOffset(), sb.journalLength()), s);
    } catch (IllegalStateException | java.nio.BufferUnderflowException e) {
      throw new LayerCorruptException("devicemapper metadata " + path + ": " + e.getMessage(), e);
    }
    s.committed();
    return s;
  }

  /**
   * Makes {@code state} (whose open transaction is {@code records}) the committed state.
   *
   * @throws PosixException ENOSPC when the metadata file cannot hold a checkpoint of the state
   */
  void commit(PoolState state, byte[] records, boolean forceCheckpoint) throws IOException {
    long end = sb.journalOffset() + sb.journalLength() + records.length;
    boolean checkpoint = forceCheckpoint
        || sb.journalLength() + records.length > Math.max(checkpointThreshold, sb.checkpointLength())
        || end > halfEnd(sb.half());
    Superblock next;
    if (checkpoint) {
      int half = 1 - sb.half();
      long at = halfStart(half);
      long len = Checkpoint.length(state);
      if (at + len > halfEnd(half)) {
        throw new PosixException(path.toString(), null, "commit", Posix.ENOSPC,
            "metadata space exhausted (" + len + " bytes of checkpoint)");
      }
      int crc = writeCheckpoint(state, at);
      long journalAt = (at + len + SLOT - 1) / SLOT * SLOT;
      next = new Superblock(sb.blockSize(), sb.generation() + 1, sb.nrDataBlocks(), sb.metadataBytes(), at,
          len, crc, half, journalAt, 0, state.transactionId, state.time);
    } else {
      writeFully(ByteBuffer.wrap(records), sb.journalOffset() + sb.journalLength());
      ch.force(false);
      next = new Superblock(sb.blockSize(), sb.generation() + 1, sb.nrDataBlocks(), sb.metadataBytes(),
          sb.checkpointOffset(), sb.checkpointLength(), sb.checkpointCrc(), sb.half(), sb.journalOffset(),
          sb.journalLength() + records.length, state.transactionId, state.time);
    }
    writeFully(encode(next), (next.generation() % 2) * SLOT);
    ch.force(false);
    sb = next;
  }

  /** Metadata blocks of 4 KiB in use: both superblock slots, the checkpoint and its journal. */
  long usedBlocks(long pendingBytes) {
    return 2 + (sb.checkpointLength() + SLOT - 1) / SLOT + (sb.journalLength() + pendingBytes + SLOT - 1) / SLOT;
  }

  private int writeCheckpoint(PoolState state, long at) throws IOException {
    CRC32C crc = new CRC32C();
    OutputStream raw = new OutputStream() {
      long pos = at;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        writeFully(ByteBuffer.wrap(b, off, len), pos);
        pos += len;
      }
    };
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 20))) {
      Checkpoint.write(state, out);
    }
    ch.force(false);
    return (int) crc.getValue();
  }

  static ByteBuffer encode(Superblock s) {
    ByteBuffer b = ByteBuffer.allocate(SLOT);
    b.putLong(MAGIC).putInt(VERSION).putInt(s.blockSize()).putLong(s.generation()).putLong(s.nrDataBlocks())
        .putLong(s.metadataBytes()).putLong(s.checkpointOffset()).putLong(s.checkpointLength())
        .putInt(s.checkpointCrc()).putInt(s.half()).putLong(s.journalOffset()).putLong(s.journalLength())
        .putLong(s.transactionId()).putInt(s.time());
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, SB_CRC_AT);
    b.putInt(SB_CRC_AT, (int) c.getValue());
    b.position(0);
    return b;
  }

  /** The superblock in {@code slot}, or null when it is absent, torn or not ours. */
  static Superblock readSlot(FileChannel ch, int slot) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SLOT);
    ch.read(b, (long) slot * SLOT);
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, SB_CRC_AT);
    if (b.getLong(0) != MAGIC || b.getInt(8) != VERSION || b.getInt(SB_CRC_AT) != (int) c.getValue()) {
      return null;
    }
    b.position(12);
    return new Superblock(b.getInt(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
        b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong(), b.getInt());
  }

  private ByteBuffer read(long at, long len) throws IOException {
    if (at < 2L * SLOT || len < 0 || at + len > sb.metadataBytes() || len > Integer.MAX_VALUE) {
      throw new LayerCorruptException("devicemapper metadata " + path + ": region " + at + "+" + len
          + " is outside the metadata file");
    }
    ByteBuffer b = ByteBuffer.allocate((int) len);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new LayerCorruptException("devicemapper metadata " + path + ": truncated at " + (at + b.position()));
      }
    }
    return b.flip();
  }

  private void writeFully(ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }
}
