package org.unionfs.cli;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import org.unionfs.api.spi.Sizes;

/**
 * A byte counter drawn on stderr ("apply-diff base: 41.94MB") while a long {@code apply-diff},
 * {@code diff} or {@code export} streams, only when stderr is a terminal: a script reading stderr sees
 * nothing but the error line, if any.
 */
final class Progress implements AutoCloseable {
  private static final long INTERVAL_NANOS = 200_000_000L;

  private final PrintStream err;
  private final String label;
  private final boolean enabled;
  private final long intervalNanos;
  private long bytes;
  private long lastDraw = System.nanoTime();
  private boolean drawn;

  private Progress(PrintStream err, String label, boolean enabled, long intervalNanos) {
    this.err = err;
    this.label = label;
    this.enabled = enabled;
    this.intervalNanos = intervalNanos;
  }

  /** A counter labelled {@code label}, silent unless {@code io}'s stderr is a terminal. */
  static Progress start(Io io, String label) {
    return start(io, label, INTERVAL_NANOS);
  }

  /** As {@link #start(Io, String)}, redrawn at most every {@code intervalNanos}. */
  static Progress start(Io io, String label, long intervalNanos) {
    return new Progress(io.err(), label, io.stderrIsTerminal(), intervalNanos);
  }

  /** {@code in}, counted as it is read. */
  InputStream count(InputStream in) {
    if (!enabled) {
      return in;
    }
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          add(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
          add(n);
        }
        return n;
      }
    };
  }

  /** {@code out}, counted as it is written. */
  OutputStream count(OutputStream out) {
    if (!enabled) {
      return out;
    }
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        add(1);
      }

      @Override
      public void write(byte[] buf, int off, int len) throws IOException {
        out.write(buf, off, len); // FilterOutputStream would write byte by byte
        add(len);
      }
    };
  }

  private void add(long n) {
    bytes += n;
    long now = System.nanoTime();
    if (now - lastDraw >= intervalNanos) {
      lastDraw = now;
      draw();
    }
  }

  private void draw() {
    // \r and "erase to end of line": the counter overwrites itself on one line.
    err.print("\r" + label + ": " + Sizes.humanSize(bytes) + "\033[K");
    err.flush();
    drawn = true;
  }

  /** Draws the final count and ends the line, if anything was drawn. */
  @Override
  public void close() {
    if (enabled && drawn) {
      draw();
      err.println();
      err.flush();
    }
  }
}
