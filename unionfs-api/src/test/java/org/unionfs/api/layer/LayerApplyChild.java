package org.unionfs.api.layer;

import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A child JVM for the crash and memory tests (not a test itself).
 *
 * <pre>
 * apply-stall LAYER TAR BYTES FORMAT  apply, but stall forever after BYTES bytes of the tar, printing
 *                                    "STALLED" (the parent then kills the process with SIGKILL)
 * apply-gen LAYER SIZE                apply a generated tar of one SIZE-byte file (streamed, never held)
 * diff LAYER PARENT                   changes + writeChanges to a counting sink; prints the byte count
 * tree LAYER                          writeTree to a counting sink; prints the byte count
 * </pre>
 */
public final class LayerApplyChild {
  private LayerApplyChild() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "apply-stall" -> {
        long limit = Long.parseLong(args[3]);
        WhiteoutFormat f = switch (args[4]) {
          case "aufs" -> WhiteoutFormat.AUFS;
          case "overlay" -> WhiteoutFormat.OVERLAY;
          default -> WhiteoutFormat.DELETE;
        };
        try (InputStream in = new Stalling(new FileInputStream(args[2]), limit)) {
          LayerTar.apply(Path.of(args[1]), in, f);
        }
        System.out.println("COMPLETED");
      }
      case "apply-gen" -> {
        long size = Long.parseLong(args[2]);
        long got = LayerTar.apply(Path.of(args[1]), new GeneratedTar(size), WhiteoutFormat.DELETE);
        System.out.println("APPLIED " + got + " maxHeap=" + Runtime.getRuntime().maxMemory());
      }
      case "diff" -> {
        Counting out = new Counting();
        LayerTar.writeChanges(Path.of(args[1]), LayerTar.changes(Path.of(args[1]), Path.of(args[2])), out);
        System.out.println("DIFF " + out.n);
      }
      case "tree" -> {
        Counting out = new Counting();
        LayerTar.writeTree(Path.of(args[1]), WhiteoutFormat.DELETE, out);
        System.out.println("TREE " + out.n);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** Passes {@code limit} bytes, then tells the parent and blocks forever. */
  static final class Stalling extends FilterInputStream {
    private long left;

    Stalling(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        System.out.println("STALLED");
        System.out.flush();
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
  }

  /** A tar of one directory and one file of {@code size} pseudo-random bytes, generated on the fly. */
  static final class GeneratedTar extends InputStream {
    private final byte[] head;
    private final long size;
    private long pos;
    private final long total;
    private long x = 0x9E3779B97F4A7C15L;

    GeneratedTar(long size) throws IOException {
      java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
      TarWriter w = new TarWriter(h);
      TarEntry e = new TarEntry();
      e.reset();
      e.name = "big/";
      e.type = TarEntry.DIR;
      e.mode = 0755;
      w.writeHeader(e, 040755);
      e.reset();
      e.name = "big/file.bin";
      e.type = TarEntry.REG;
      e.mode = 0644;
      e.size = size;
      w.writeHeader(e, 0100644);
      w.close();
      byte[] all = h.toByteArray();
      this.head = java.util.Arrays.copyOf(all, all.length - 1024); // without the end blocks
      this.size = size;
      long pad = (512 - size % 512) % 512;
      this.total = head.length + size + pad + 1024;
    }

    @Override
    public int read() throws IOException {
      byte[] b = new byte[1];
      return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= total) {
        return -1;
      }
      int n = (int) Math.min(len, total - pos);
      for (int i = 0; i < n; i++) {
        long p = pos + i;
        if (p < head.length) {
          b[off + i] = head[(int) p];
        } else if (p < head.length + size) {
          x ^= x << 13;
          x ^= x >>> 7;
          x ^= x << 17;
          b[off + i] = (byte) x;
        } else {
          b[off + i] = 0;
        }
      }
      pos += n;
      return n;
    }
  }

  static final class Counting extends OutputStream {
    long n;

    @Override
    public void write(int b) {
      n++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      n += len;
    }
  }
}
