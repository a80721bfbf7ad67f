package org.unionfs.api.layer;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.unionfs.api.error.InvalidArgumentException;

/** Detects a layer's compression by its first bytes, as moby's {@code DecompressStream} does. */
final class Compression {
  private Compression() {}

  /** The uncompressed stream of {@code in}: gzip, zstd, bzip2 or plain. */
  static InputStream decompress(InputStream in) throws IOException {
    PushbackInputStream p = new PushbackInputStream(in, 6);
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
    if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new GZIPInputStream(p, 256 * 1024);
    }
    if (n >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return new ZstdInputStream(p);
    }
    if (n >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
      return new BZip2CompressorInputStream(p, true);
    }
    if (n >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
        && magic[4] == 'Z' && magic[5] == 0) {
      throw new InvalidArgumentException("layer tar: xz-compressed layers are not supported");
    }
    return p;
  }
}
