package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tar produced by a writer thread and read by the caller, so a layer never sits in memory whole.
 * A failure of the writer is rethrown to the reader (at the end of the stream at the latest); closing
 * early stops the writer, and runs {@code onClose} once either way.
 */
final class TarStream extends InputStream {
  private static final int PIPE_BUFFER = 1 << 16;

  /** Writes a tar. */
  @FunctionalInterface
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Runs when the reader closes the stream. */
  @FunctionalInterface
  interface OnClose {
    void run() throws IOException;
  }

  private final PipedInputStream in;
  private final Thread thread;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final OnClose onClose;
  private boolean closed;

  private TarStream(String name, Writer writer, OnClose onClose) throws IOException {
    this.in = new PipedInputStream(PIPE_BUFFER);
    this.onClose = onClose;
    PipedOutputStream out = new PipedOutputStream(in);
    thread = new Thread(() -> {
      try (out) {
        writer.write(out);
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "overlay2-tar-" + name);
    thread.setDaemon(true);
  }

  static TarStream start(String name, Writer writer, OnClose onClose) throws IOException {
    TarStream s = new TarStream(name, writer, onClose);
    s.thread.start();
    return s;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      rethrowFailure();
      throw e;
    }
    if (n < 0) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("tar writer");
      }
      rethrowFailure();
    }
    return n;
  }

  private void rethrowFailure() throws IOException {
    Throwable t = failure.get();
    if (t instanceof IOException e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close(); // the writer then fails with "Pipe closed" and ends
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      onClose.run();
    }
  }
}
