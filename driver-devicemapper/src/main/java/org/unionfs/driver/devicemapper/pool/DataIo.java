package org.unionfs.driver.devicemapper.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * Reads and writes of thin devices through their mappings, with copy-on-write of shared blocks.
 *
 * <p>The caller ({@link ThinPool}) holds the gate and the blocks' stripes ({@link IoLocks}). Here the
 * pool's monitor is held only to look mappings up and to change them (and to copy the old contents of
 * a block being copied on write, which another device may otherwise be writing in place); the data
 * file is read and written outside it, so requests for different blocks overlap. Scratch arrays and
 * buffers are per thread: a request allocates nothing big.
 */
final class DataIo {
  private static final int CHUNK = 1 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();
  /** Set in a target slot: the new block's bytes outside the write must be zeroed (outside the lock). */
  private static final long ZERO_FILL = 1L << 62;
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Per-thread buffers. */
  private static final class Scratch {
    long[] slots = new long[64];
    ByteBuffer copy;

    long[] slots(int n) {
      if (slots.length < n) {
        slots = new long[Math.max(n, slots.length * 2)];
      }
      return slots;
    }

    ByteBuffer copy(int size) {
      if (copy == null) {
        copy = ByteBuffer.allocateDirect(CHUNK);
      }
      return copy.clear().limit(Math.min(size, CHUNK));
    }
  }

  private DataIo() {}

  static long blocks(long offset, long length, int bs) {
    return length == 0 ? 0 : (offset + length - 1) / bs - offset / bs + 1;
  }

  static void read(ThinPool pool, int id, long offset, ByteBuffer dst) throws IOException {
    int bs = pool.blockSize();
    long first = offset / bs;
    int count = Math.toIntExact(blocks(offset, dst.remaining(), bs));
    long[] slots = SCRATCH.get().slots(count);
    synchronized (pool) {
      PoolState.Device d = pool.device(id, "read");
      for (int i = 0; i < count; i++) {
        slots[i] = d.map.get(first + i);
      }
    }
    Run run = new Run(pool.data(), dst, false);
    long pos = offset;
    for (int i = 0; i < count; i++) {
      int inner = (int) (pos % bs);
      int n = Math.min(bs - inner, dst.remaining());
      if (slots[i] == 0) {
        run.flush();
        zero(dst, dst.position(), n);
      } else {
        run.add(BlockMap.dataBlock(slots[i]) * bs + inner, dst.position(), n);
      }
      dst.position(dst.position() + n);
      pos += n;
    }
    run.flush();
  }

  private static void zero(ByteBuffer dst, int at, int n) {
    for (int done = 0; done < n; done += CHUNK) {
      dst.put(at + done, ZEROS, 0, Math.min(CHUNK, n - done));
    }
  }

  /**
   * Writes {@code src} at {@code offset} of device {@code id}.
   *
   * @param mayCommit whether the caller can commit and retry when the pool lacks blocks only because
   *     blocks freed in the open transaction wait for a commit
   * @return false when such a commit is needed (nothing was changed)
   * @throws PosixException ENOSPC when the pool lacks the blocks (nothing was changed)
   */
  static boolean write(ThinPool pool, int id, long offset, ByteBuffer src, boolean mayCommit) throws IOException {
    if (!src.hasRemaining()) {
      synchronized (pool) {
        pool.device(id, "write");
      }
      return true;
    }
    int bs = pool.blockSize();
    long first = offset / bs;
    int count = Math.toIntExact(blocks(offset, src.remaining(), bs));
    long end = offset + src.remaining();
    Scratch scratch = SCRATCH.get();
    long[] target = scratch.slots(count);
    FileChannel ch = pool.data();
    synchronized (pool) {
      PoolState.Device d = pool.device(id, "write");
      PoolState s = pool.state();
      long need = 0;
      for (int i = 0; i < count; i++) {
        long m = d.map.get(first + i);
        if (m == 0 || !inPlace(s, d, m)) {
          need++;
        }
      }
      if (need > s.allocatable()) { // all-or-nothing: ENOSPC leaves the device untouched
        if (mayCommit && s.allocatable() < s.nrDataBlocks - s.usedDataBlocks()) {
          return false; // blocks freed in this transaction become allocatable at the commit
        }
        throw new PosixException(pool.directory().resolve(ThinPool.DATA_FILE).toString(), null, "write",
            Posix.ENOSPC, "thin pool out of data space: " + need + " blocks needed, " + s.allocatable() + " free");
      }
      for (int i = 0; i < count; i++) {
        long v = first + i;
        long m = d.map.get(v);
        if (m != 0 && inPlace(s, d, m)) {
          target[i] = BlockMap.dataBlock(m);
          continue;
        }
        long nb = s.allocate();
        int lo = (int) (Math.max(offset, v * bs) - v * bs);
        int hi = (int) (Math.min(end, (v + 1) * bs) - v * bs);
        target[i] = nb;
        if (lo > 0 || hi < bs) {
          if (m == 0) {
            target[i] |= ZERO_FILL;
          } else { // under the lock: another device may write the old block in place once we let go
            copy(ch, scratch, BlockMap.dataBlock(m) * bs, nb * bs, 0, lo);
            copy(ch, scratch, BlockMap.dataBlock(m) * bs, nb * bs, hi, bs);
          }
        }
        s.map(d.id, v, nb, s.time);
      }
    }
    Run run = new Run(ch, src, true);
    long pos = offset;
    for (int i = 0; i < count; i++) {
      long v = first + i;
      int inner = (int) (pos - v * bs);
      int n = Math.min(bs - inner, src.remaining());
      long b = target[i] & ~ZERO_FILL;
      if ((target[i] & ZERO_FILL) != 0) { // a new block: only this request can see it
        writeZeros(ch, b * bs, inner);
        writeZeros(ch, b * bs + inner + n, bs - inner - n);
      }
      run.add(b * bs + inner, src.position(), n);
      src.position(src.position() + n);
      pos += n;
    }
    run.flush(); // the data is in the file before any commit that maps it (commits wait for the gate)
    return true;
  }

  /**
   * Whether a mapped block may be written in place: only this device maps it, and either it was
   * allocated in the open transaction or this device mapped it alone at the last commit too (so no
   * committed mapping of another device can see the new bytes).
   */
  static boolean inPlace(PoolState s, PoolState.Device d, long packed) {
    long b = BlockMap.dataBlock(packed);
    if (s.ref[(int) b] != 1) {
      return false;
    }
    int committed = s.committedRef(b);
    return committed == 0 || (committed == 1 && !d.createdInTransaction);
  }

  /** Copies bytes {@code [from, to)} of the block at {@code src} to the block at {@code dst}. */
  private static void copy(FileChannel ch, Scratch scratch, long src, long dst, int from, int to)
      throws IOException {
    for (int at = from; at < to; ) {
      ByteBuffer buf = scratch.copy(to - at);
      int n = buf.remaining();
      readFully(ch, buf, src + at);
      writeFully(ch, buf.flip(), dst + at);
      at += n;
    }
  }

  private static void writeZeros(FileChannel ch, long at, long length) throws IOException {
    for (long done = 0; done < length; done += CHUNK) {
      writeFully(ch, ZEROS.duplicate().limit((int) Math.min(CHUNK, length - done)), at + done);
    }
  }

  /**
   * Consecutive pieces of the caller's buffer that land on consecutive bytes of the data file, done
   * as one read or write (sequential I/O through the pool costs one system call per run, not per block).
   */
  private static final class Run {
    private final FileChannel ch;
    private final ByteBuffer buf;
    private final boolean write;
    private long fileAt;
    private int bufAt;
    private int len;

    Run(FileChannel ch, ByteBuffer buf, boolean write) {
      this.ch = ch;
      this.buf = buf;
      this.write = write;
    }

    void add(long fileOffset, int bufOffset, int n) throws IOException {
      if (len > 0 && fileOffset == fileAt + len && bufOffset == bufAt + len) {
        len += n;
        return;
      }
      flush();
      fileAt = fileOffset;
      bufAt = bufOffset;
      len = n;
    }

    void flush() throws IOException {
      if (len > 0) {
        ByteBuffer part = buf.slice(bufAt, len);
        if (write) {
          writeFully(ch, part, fileAt);
        } else {
          readFully(ch, part, fileAt);
        }
        len = 0;
      }
    }
  }

  static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      int r = ch.read(b, pos);
      if (r < 0) { // past the end of a shorter data file: unwritten, so zeros
        while (b.hasRemaining()) {
          b.put((byte) 0);
        }
        return;
      }
      pos += r;
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }
}
