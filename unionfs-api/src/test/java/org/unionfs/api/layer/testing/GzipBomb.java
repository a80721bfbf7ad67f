package org.unionfs.api.layer.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream that is small compressed and huge expanded: a tar prefix followed by {@code zeroMiB}
 * MiB of zeros, with a correct gzip trailer. Built without compressing the zeros more than once:
 * after a full flush deflate restarts from an empty dictionary, so the compressed form of one MiB of
 * zeros is the same bytes every time and can be repeated.
 */
public final class GzipBomb {
  private GzipBomb() {}

  public static byte[] build(byte[] tarPrefix, int zeroMiB) {
    Deflater d = new Deflater(9, true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, (byte) 0xff});
    out.writeBytes(deflate(d, tarPrefix, Deflater.FULL_FLUSH));
    byte[] mib = new byte[1 << 20];
    byte[] chunk = deflate(d, mib, Deflater.FULL_FLUSH);
    byte[] again = deflate(d, mib, Deflater.FULL_FLUSH);
    if (!Arrays.equals(chunk, again)) {
      throw new IllegalStateException("deflate output after a full flush is not repeatable");
    }
    CRC32 crc = new CRC32();
    crc.update(tarPrefix);
    for (int i = 0; i < zeroMiB; i++) {
      if (i >= 2) {
        out.writeBytes(chunk);
      } else {
        out.writeBytes(i == 0 ? chunk : again);
      }
      crc.update(mib);
    }
    d.finish();
    byte[] buf = new byte[64];
    while (!d.finished()) {
      int n = d.deflate(buf);
      out.write(buf, 0, n);
    }
    d.end();
    long isize = tarPrefix.length + ((long) zeroMiB << 20);
    writeLe32(out, crc.getValue());
    writeLe32(out, isize);
    return out.toByteArray();
  }

  private static byte[] deflate(Deflater d, byte[] in, int flush) {
    d.setInput(in);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    while (true) {
      int n = d.deflate(buf, 0, buf.length, flush);
      o.write(buf, 0, n);
      if (n < buf.length && d.needsInput()) {
        return o.toByteArray();
      }
    }
  }

  private static void writeLe32(ByteArrayOutputStream o, long v) {
    for (int i = 0; i < 4; i++) {
      o.write((int) (v >>> (8 * i)) & 0xff);
    }
  }
}
