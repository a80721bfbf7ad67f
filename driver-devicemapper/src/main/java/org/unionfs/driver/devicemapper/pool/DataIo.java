package org.unionfs.driver.devicemapper.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Reads and writes of thin devices through their mappings, with copy-on-write of shared blocks. */
final class DataIo {
  private static final int CHUNK = 1 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK);

  private DataIo() {}

  static void read(ThinPool pool, PoolState.Device d, long offset, ByteBuffer dst) throws IOException {
    int bs = pool.blockSize();
    Run run = new Run(pool.data(), dst, false);
    long pos = offset;
    while (dst.hasRemaining()) {
      long v = pos / bs;
      int inner = (int) (pos % bs);
      int n = Math.min(bs - inner, dst.remaining());
      long m = d.map.get(v);
      if (m == 0) {
        run.flush();
        ByteBuffer part = dst.slice(dst.position(), n);
        while (part.hasRemaining()) {
          part.put(ZEROS.duplicate().limit(Math.min(CHUNK, part.remaining())));
        }
      } else {
        run.add(BlockMap.dataBlock(m) * bs + inner, dst.position(), n);
      }
      dst.position(dst.position() + n);
      pos += n;
    }
    run.flush();
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

  static void write(ThinPool pool, PoolState.Device d, long offset, ByteBuffer src) throws IOException {
    int bs = pool.blockSize();
    PoolState s = pool.state();
    if (!src.hasRemaining()) {
      return;
    }
    long last = (offset + src.remaining() - 1) / bs;
    long need = 0;
    for (long v = offset / bs; v <= last; v++) {
      long m = d.map.get(v);
      if (m == 0 || !inPlace(s, d, m)) {
        need++;
      }
    }
    pool.reserve(need); // all-or-nothing: an ENOSPC leaves the device untouched
    FileChannel ch = pool.data();
    Run run = new Run(ch, src, true);
    long pos = offset;
    while (src.hasRemaining()) {
      long v = pos / bs;
      int inner = (int) (pos % bs);
      int n = Math.min(bs - inner, src.remaining());
      long m = d.map.get(v);
      if (m != 0 && inPlace(s, d, m)) {
        run.add(BlockMap.dataBlock(m) * bs + inner, src.position(), n);
      } else {
        long nb = s.allocate();
        if (n < bs) { // the new block gets the rest of the old one (or zeros) before the new bytes
          fillBlock(ch, m == 0 ? -1 : BlockMap.dataBlock(m), nb, bs);
        }
        run.add(nb * bs + inner, src.position(), n);
        s.map(d.id, v, nb, s.time);
      }
      src.position(src.position() + n);
      pos += n;
    }
    run.flush(); // the data is in the file before any commit that maps it
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

  /** Copies block {@code from} (or zeros when -1) to block {@code to} before a partial write. */
  private static void fillBlock(FileChannel ch, long from, long to, int bs) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(Math.min(CHUNK, bs));
    for (long done = 0; done < bs; done += buf.capacity()) {
      buf.clear();
      if (from < 0) {
        writeFully(ch, ZEROS.duplicate().limit(buf.capacity()), to * bs + done);
      } else {
        readFully(ch, buf, from * bs + done);
        buf.flip();
        writeFully(ch, buf, to * bs + done);
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
