package org.unionfs.api.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * A streaming tar reader for layer tars: ustar, PAX ({@code x} and {@code g}), GNU long names ({@code L},
 * {@code K}) and GNU base-256 numbers. Written for speed (one large buffer, file data handed to a channel
 * straight from it) and for hostile input (every header checksummed, every number range-checked, every
 * length bounded; a short archive is an error, never a silent end).
 *
 * <p>Not supported, and refused with an error naming the member: GNU sparse files and multi-volume
 * members, which layer tars must not contain.
 */
final class TarReader {
  static final int BLOCK = 512;
  /** Upper bound for a PAX record block or GNU long name: protects memory against hostile sizes. */
  private static final int MAX_META = 1 << 20;

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int lim;
  private long consumed;
  private final TarEntry entry = new TarEntry();
  private final Map<String, String> globalPax = new HashMap<>();
  private long remaining;
  private long padding;
  private long index;
  private boolean ended;
  /** The header being decoded, for messages: "member #3 'etc/passwd' at offset 1536". */
  private String who = "";

  TarReader(InputStream in, int bufferSize) {
    this.in = in;
    this.buf = new byte[Math.max(bufferSize, 64 * 1024)];
  }

  /** Bytes consumed from the (decompressed) stream so far. */
  long offset() {
    return consumed - (lim - pos);
  }

  /**
   * The next member, or null at the end of the archive. The data of the previous member is skipped if
   * the caller did not read it.
   */
  TarEntry next() throws IOException {
    if (ended) {
      return null;
    }
    skip(remaining + padding);
    remaining = 0;
    padding = 0;
    String longName = null;
    String longLink = null;
    Map<String, String> pax = null;
    while (true) {
      long headerOffset = offset();
      if (!fillAtLeast(BLOCK)) {
        if (available() == 0) {
          throw new InvalidArgumentException(
              "layer tar: truncated: ends at offset " + headerOffset + " without its end-of-archive blocks");
        }
        throw new InvalidArgumentException("layer tar: truncated header at offset " + headerOffset);
      }
      int h = pos;
      if (isZeroBlock(h)) {
        pos += BLOCK;
        // End of archive: two zero blocks; tolerate one followed by the end of the stream.
        if (fillAtLeast(BLOCK) && !isZeroBlock(pos)) {
          throw new InvalidArgumentException(
              "layer tar: a zero block followed by data at offset " + (headerOffset + BLOCK));
        }
        ended = true;
        if (pax != null || longName != null || longLink != null) {
          throw new InvalidArgumentException("layer tar: extended header at offset " + headerOffset
              + " is not followed by a member");
        }
        return null;
      }
      verifyChecksum(h, headerOffset);
      index++;
      String headerName = ustarName(h);
      who = "member #" + index + " '" + (longName != null ? longName : headerName) + "' at offset "
          + headerOffset;
      byte type = buf[h + 156];
      long size = number(h + 124, 12, "size", headerOffset);
      if (size < 0) {
        throw new InvalidArgumentException("layer tar: " + who + ": negative size");
      }
      pos += BLOCK;
      switch (type) {
        case 'x', 'g' -> {
          Map<String, String> records = PaxHeaders.parse(readMeta(size, "PAX header", headerOffset),
              headerOffset);
          if (type == 'g') {
            globalPax.putAll(records);
          } else {
            if (pax == null) {
              pax = new HashMap<>();
            }
            pax.putAll(records);
          }
          continue;
        }
        case 'L' -> {
          longName = trimNul(utf8(readMeta(size, "GNU long name", headerOffset)));
          continue;
        }
        case 'K' -> {
          longLink = trimNul(utf8(readMeta(size, "GNU long link name", headerOffset)));
          continue;
        }
        case 'V' -> {
          skip(size + pad(size)); // a GNU volume label: no file
          continue;
        }
        case 'S', 'M', 'N', 'D' -> throw new InvalidArgumentException("layer tar: member at offset "
            + headerOffset + " has GNU type '" + (char) type + "' (sparse, multi-volume or dump dir), "
            + "which a layer must not use");
        default -> { }
      }
      TarEntry e = entry;
      e.reset();
      e.index = index;
      e.offset = headerOffset;
      e.type = type;
      e.name = headerName;
      e.linkName = string(h + 157, 100);
      e.mode = (int) (number(h + 100, 8, "mode", headerOffset) & 07777);
      e.uid = number(h + 108, 8, "uid", headerOffset);
      e.gid = number(h + 116, 8, "gid", headerOffset);
      e.size = size;
      e.mtimeSec = number(h + 136, 12, "mtime", headerOffset);
      if (type == TarEntry.CHR || type == TarEntry.BLK) {
        e.devMajor = (int) number(h + 329, 8, "devmajor", headerOffset);
        e.devMinor = (int) number(h + 337, 8, "devminor", headerOffset);
      }
      if (longName != null) {
        e.name = longName;
      }
      if (longLink != null) {
        e.linkName = longLink;
      }
      if (!globalPax.isEmpty()) {
        PaxHeaders.apply(e, globalPax);
      }
      if (pax != null) {
        PaxHeaders.apply(e, pax);
      }
      if (e.name.isEmpty()) {
        throw new InvalidArgumentException("layer tar: member #" + index + " at offset " + headerOffset
            + " has an empty name");
      }
      if (e.name.indexOf('\0') >= 0 || e.linkName.indexOf('\0') >= 0) {
        throw new InvalidArgumentException("layer tar: " + e.describe() + " has a NUL in its name");
      }
      if (e.uid < 0 || e.uid > 0xffffffffL || e.gid < 0 || e.gid > 0xffffffffL) {
        throw new InvalidArgumentException("layer tar: " + e.describe() + " has uid/gid out of range: "
            + e.uid + "/" + e.gid);
      }
      // Only regular members carry data; others with a size field are skipped over it (GNU tar does).
      remaining = e.size;
      padding = pad(e.size);
      if (e.type == TarEntry.LINK || e.type == TarEntry.SYMLINK || e.type == TarEntry.DIR
          || e.type == TarEntry.CHR || e.type == TarEntry.BLK || e.type == TarEntry.FIFO) {
        e.size = 0;
      }
      return e;
    }
  }

  /**
   * Reads what follows the end-of-archive blocks (GNU tar pads to 10 KiB records; a compressed stream
   * still has its trailer, whose checksum is verified this way), up to {@code max} bytes, so that a
   * caller hashing the stream sees it whole. More than {@code max} bytes of trailing data are left
   * unread.
   */
  void drainTrailer(long max) throws IOException {
    long left = max - (lim - pos);
    pos = lim;
    while (left > 0) {
      int n = readIn(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        return;
      }
      left -= n;
    }
  }

  /** Bytes of the current member's data still unread. */
  long remaining() {
    return remaining;
  }

  /**
   * Writes the rest of the current member's data to {@code out}.
   *
   * @throws InvalidArgumentException if the archive ends before the data does
   */
  void copyData(WritableByteChannel out) throws IOException {
    while (remaining > 0) {
      if (pos == lim && !refill()) {
        throw new InvalidArgumentException("layer tar: truncated data of " + entry.describe());
      }
      int n = (int) Math.min(remaining, lim - pos);
      ByteBuffer bb = ByteBuffer.wrap(buf, pos, n);
      while (bb.hasRemaining()) {
        out.write(bb);
      }
      pos += n;
      remaining -= n;
    }
  }

  /** The rest of the current member's data (at most an int's worth: callers bound the size). */
  byte[] readAll() throws IOException {
    byte[] out = new byte[(int) remaining];
    int off = 0;
    while (off < out.length) {
      if (pos == lim && !refill()) {
        throw new InvalidArgumentException("layer tar: truncated data of " + entry.describe());
      }
      int n = Math.min(out.length - off, lim - pos);
      System.arraycopy(buf, pos, out, off, n);
      pos += n;
      off += n;
    }
    remaining = 0;
    return out;
  }

  /** Reads up to {@code len} bytes of the current member's data; -1 at its end. */
  int readData(byte[] b, int off, int len) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    if (pos == lim && !refill()) {
      throw new InvalidArgumentException("layer tar: truncated data of " + entry.describe());
    }
    int n = (int) Math.min(Math.min(len, remaining), lim - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    remaining -= n;
    return n;
  }

  /**
   * Reads from the (decompressed) input. A decoder failure (corrupt or truncated gzip/zstd/bzip2, which
   * the JDK and aircompressor report as ZipException, EOFException or unchecked exceptions) becomes an
   * {@link InvalidArgumentException} naming the member being read; a failure of the source is rethrown.
   */
  private int readIn(byte[] b, int off, int len) throws IOException {
    try {
      return in.read(b, off, len);
    } catch (org.unionfs.api.error.UnionFsException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      Compression.Decoded d = in instanceof Compression.Decoded x ? x : null;
      if ((d == null || d.sourceFailed() || d.kind.equals("plain")) && e instanceof IOException io) {
        throw io;
      }
      String kind = d == null ? "compressed" : d.kind;
      String where = remaining > 0 ? "in the data of " + entry.describe()
          : entry.name != null ? "after " + entry.describe() : "before the first member";
      throw new InvalidArgumentException("layer tar: corrupt or truncated " + kind + " stream " + where
          + " (unexpected end or bad data: " + e + ")", e);
    }
  }

  private static long pad(long size) {
    return (BLOCK - (size % BLOCK)) % BLOCK;
  }

  private int available() {
    return lim - pos;
  }

  private boolean refill() throws IOException {
    if (pos < lim) {
      return true;
    }
    pos = 0;
    lim = 0;
    int n = readIn(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    lim = n;
    consumed += n;
    return true;
  }

  /** Makes at least {@code n} (≤ buffer) bytes available at {@code pos}; false at a short end. */
  private boolean fillAtLeast(int n) throws IOException {
    if (lim - pos >= n) {
      return true;
    }
    System.arraycopy(buf, pos, buf, 0, lim - pos);
    lim -= pos;
    pos = 0;
    while (lim < n) {
      int r = readIn(buf, lim, buf.length - lim);
      if (r <= 0) {
        return false;
      }
      lim += r;
      consumed += r;
    }
    return true;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      if (pos == lim && !refill()) {
        throw new InvalidArgumentException("layer tar: truncated data of " + entry.describe());
      }
      int k = (int) Math.min(n, lim - pos);
      pos += k;
      n -= k;
    }
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private byte[] readMeta(long size, String what, long headerOffset) throws IOException {
    if (size > MAX_META) {
      throw new InvalidArgumentException("layer tar: " + what + " at offset " + headerOffset + " is "
          + size + " bytes, over the limit of " + MAX_META);
    }
    byte[] data = new byte[(int) size];
    int off = 0;
    while (off < data.length) {
      if (pos == lim && !refill()) {
        throw new InvalidArgumentException("layer tar: truncated " + what + " at offset " + headerOffset);
      }
      int k = Math.min(data.length - off, lim - pos);
      System.arraycopy(buf, pos, data, off, k);
      pos += k;
      off += k;
    }
    skip(pad(size));
    return data;
  }

  private boolean isZeroBlock(int at) {
    for (int i = at; i < at + BLOCK; i += 8) {
      if (buf[i] != 0 || buf[i + 1] != 0 || buf[i + 2] != 0 || buf[i + 3] != 0 || buf[i + 4] != 0
          || buf[i + 5] != 0 || buf[i + 6] != 0 || buf[i + 7] != 0) {
        return false;
      }
    }
    return true;
  }

  private void verifyChecksum(int h, long headerOffset) throws InvalidArgumentException {
    long stored;
    try {
      stored = octal(h + 148, 8);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("layer tar: bad header checksum field at offset " + headerOffset);
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : buf[h + i];
      unsigned += b & 0xff;
      signed += b;
    }
    if (stored != unsigned && stored != signed) {
      throw new InvalidArgumentException("layer tar: header checksum mismatch at offset " + headerOffset
          + " (member #" + (index + 1) + ")");
    }
  }

  private String ustarName(int h) {
    String name = string(h, 100);
    // ustar (magic "ustar\0") has a 155-byte prefix; GNU ("ustar  \0") uses those bytes for other things.
    boolean ustar = buf[h + 257] == 'u' && buf[h + 258] == 's' && buf[h + 259] == 't'
        && buf[h + 260] == 'a' && buf[h + 261] == 'r' && buf[h + 262] == 0;
    if (ustar && buf[h + 345] != 0) {
      return string(h + 345, 155) + "/" + name;
    }
    return name;
  }

  /** A NUL-terminated field; UTF-8 (Go and GNU write bytes as they are; Latin-1 is rare in layers). */
  private String string(int at, int len) {
    int end = at;
    int max = at + len;
    boolean ascii = true;
    while (end < max && buf[end] != 0) {
      if (buf[end] < 0) {
        ascii = false;
      }
      end++;
    }
    if (ascii) {
      return new String(buf, at, end - at, StandardCharsets.ISO_8859_1);
    }
    return new String(buf, at, end - at, StandardCharsets.UTF_8);
  }

  private long number(int at, int len, String field, long headerOffset) throws InvalidArgumentException {
    if ((buf[at] & 0x80) != 0) {
      // GNU base-256: big-endian two's complement; the first byte's top bit is the marker.
      if ((buf[at] & 0x40) != 0) {
        throw new InvalidArgumentException("layer tar: " + who + ": negative " + field);
      }
      long v = buf[at] & 0x3f;
      for (int i = 1; i < len; i++) {
        if ((v >>> 55) != 0) {
          throw new InvalidArgumentException("layer tar: " + who + ": " + field + " too large");
        }
        v = (v << 8) | (buf[at + i] & 0xff);
      }
      return v;
    }
    try {
      return octal(at, len);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("layer tar: " + who + ": bad " + field + " field");
    }
  }

  private long octal(int at, int len) {
    int i = at;
    int end = at + len;
    while (i < end && (buf[i] == ' ' || buf[i] == 0)) {
      i++;
    }
    long v = 0;
    int digits = 0;
    for (; i < end; i++) {
      byte b = buf[i];
      if (b == ' ' || b == 0) {
        break;
      }
      if (b < '0' || b > '7') {
        throw new NumberFormatException();
      }
      v = (v << 3) | (b - '0');
      digits++;
    }
    for (; i < end; i++) {
      if (buf[i] != ' ' && buf[i] != 0) {
        throw new NumberFormatException();
      }
    }
    if (digits > 21) {
      throw new NumberFormatException();
    }
    return v;
  }

  private static String trimNul(String s) {
    int n = s.indexOf('\0');
    return n >= 0 ? s.substring(0, n) : s;
  }

  /** For tests: whether the reader saw the end-of-archive marker. */
  boolean ended() {
    return ended;
  }
}
