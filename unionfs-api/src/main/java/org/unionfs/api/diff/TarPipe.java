package org.unionfs.api.diff;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link InputStream} fed by a writer thread through a small queue of chunks: a producer that writes a
 * tar becomes a stream the caller reads, in constant memory (at most {@value #DEPTH} chunks of
 * {@value #CHUNK} bytes in flight). The JDK's {@code PipedInputStream} is avoided because it polls once a
 * second and moves 1 KiB at a time.
 *
 * <p>A failure of the writer is rethrown to the reader (at the point it has read everything written
 * before the failure). Closing the reader early stops the writer, whose next write fails.
 */
final class TarPipe extends InputStream {
  static final int CHUNK = 256 * 1024;
  static final int DEPTH = 8;
  private static final byte[] EOF = new byte[0];

  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(DEPTH);
  private final Thread writer;
  private volatile boolean readerClosed;
  private volatile Throwable failure;
  private byte[] current = new byte[0];
  private int pos;
  private boolean eof;

  private TarPipe(String name, NaiveDiffDriver.TarWriter producer) {
    writer = new Thread(() -> run(producer), "unionfs-tar-" + name);
    writer.setDaemon(true);
  }

  /** Starts {@code producer} on its own thread and returns the stream of what it writes. */
  static TarPipe start(String name, NaiveDiffDriver.TarWriter producer) {
    TarPipe pipe = new TarPipe(name, producer);
    pipe.writer.start();
    return pipe;
  }

  private void run(NaiveDiffDriver.TarWriter producer) {
    ChunkOutput out = new ChunkOutput();
    try {
      producer.write(out);
      out.flush();
    } catch (Throwable t) {
      failure = t;
    } finally {
      try {
        put(EOF);
      } catch (IOException ignored) {
        // reader gone
      }
    }
  }

  private void put(byte[] chunk) throws IOException {
    try {
      while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        if (readerClosed) {
          throw new IOException("tar stream closed by its reader");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("tar stream writer interrupted");
    }
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    while (pos >= current.length) {
      byte[] next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("reading tar stream interrupted");
      }
      if (next == EOF) {
        eof = true;
        Throwable t = failure;
        if (t != null) {
          if (t instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
          }
          throw new IOException("writing tar stream: " + t, t);
        }
        return false;
      }
      current = next;
      pos = 0;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return current[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return current.length - pos;
  }

  @Override
  public void close() throws IOException {
    readerClosed = true;
    queue.clear();
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.clear();
  }

  /** Collects writes into chunks and hands full chunks to the queue. */
  private final class ChunkOutput extends OutputStream {
    private byte[] buf = new byte[CHUNK];
    private int n;

    @Override
    public void write(int b) throws IOException {
      if (n == buf.length) {
        flush();
      }
      buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (n == buf.length) {
          flush();
        }
        int k = Math.min(len, buf.length - n);
        System.arraycopy(b, off, buf, n, k);
        n += k;
        off += k;
        len -= k;
      }
    }

    @Override
    public void flush() throws IOException {
      if (readerClosed) {
        throw new IOException("tar stream closed by its reader");
      }
      if (n > 0) {
        put(n == buf.length ? buf : Arrays.copyOf(buf, n));
        buf = new byte[CHUNK];
        n = 0;
      }
    }
  }
}
