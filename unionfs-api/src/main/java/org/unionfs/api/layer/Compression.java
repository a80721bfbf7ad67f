package org.unionfs.api.layer;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.unionfs.api.error.InvalidArgumentException;

/** Detects a layer's compression by its first bytes, as moby's {@code DecompressStream} does. */
final class Compression {
  private Compression() {}

  /**
   * The uncompressed stream of a layer, and what it came from: a decoder failure is malformed input,
   * a failure of the source itself is not.
   */
  static final class Decoded extends FilterInputStream {
    /** "gzip", "zstd", "bzip2" or "plain". */
    final String kind;
    private final Source source;

    Decoded(InputStream in, String kind, Source source) {
      super(in);
      this.kind = kind;
      this.source = source;
    }

    /** Whether the last failure came from reading the source (not from decoding it). */
    boolean sourceFailed() {
      return source.failed;
    }
  }

  /** The raw source, remembering whether reading it failed. */
  static final class Source extends FilterInputStream {
    volatile boolean failed;

    Source(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        failed = true;
        throw e;
      }
    }
  }

  /** The uncompressed stream of {@code in}: gzip, zstd, bzip2 or plain. */
  static Decoded decompress(InputStream in) throws IOException {
    Source source = new Source(in);
    PushbackInputStream p = new PushbackInputStream(source, 6);
    byte[] magic = new byte[6];
    int n = 0;
    while (n < magic.length) {
      int r = p.read(magic, n, magic.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    if (n > 0) {
      p.unread(magic, 0, n);
    }
    String kind = "plain";
    try {
      if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        kind = "gzip";
        return new Decoded(new GZIPInputStream(p, 256 * 1024), kind, source);
      }
      if (n >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
          && (magic[3] & 0xff) == 0xfd) {
        kind = "zstd";
        return new Decoded(new ZstdInputStream(p), kind, source);
      }
      if (n >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
        kind = "bzip2";
        return new Decoded(new BZip2CompressorInputStream(p, true), kind, source);
      }
    } catch (IOException | RuntimeException e) {
      if (source.failed) {
        throw e;
      }
      throw new InvalidArgumentException("layer tar: corrupt " + kind + " stream at its start: " + e, e);
    }
    if (n >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
        && magic[4] == 'Z' && magic[5] == 0) {
      throw new InvalidArgumentException("layer tar: xz-compressed layers are not supported");
    }
    return new Decoded(p, kind, source);
  }
}
