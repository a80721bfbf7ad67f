package org.unionfs.api.layer.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A byte-level tar writer for tests: writes exactly the header fields it is given, so that it can
 * also write what no well-behaved tar library would (bad checksums, negative base-256 sizes, PAX
 * records that lie, GNU long-name chains, truncated streams).
 *
 * <p>Every method appends to one buffer; {@link #bytes()} returns a copy. Nothing is validated.
 */
public final class TarBytes {
  /** Type flags (POSIX ustar, GNU and PAX). */
  public static final char REG = '0';
  public static final char LINK = '1';
  public static final char SYMLINK = '2';
  public static final char CHR = '3';
  public static final char BLK = '4';
  public static final char DIR = '5';
  public static final char FIFO = '6';
  public static final char PAX = 'x';
  public static final char GNU_LONGNAME = 'L';
  public static final char GNU_LONGLINK = 'K';

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** One ustar header; every field public so that a test can set nonsense. */
  public static final class Header {
    public String name = "";
    public int mode = 0644;
    public long uid = 0;
    public long gid = 0;
    public long size = 0;
    public long mtime = 1_600_000_000L;
    public char typeflag = REG;
    public String linkname = "";
    public String uname = "";
    public String gname = "";
    public int devmajor = 0;
    public int devminor = 0;
    public String prefix = "";
    /** GNU magic ("ustar  \0") instead of POSIX ("ustar\000"). */
    public boolean gnu = false;
    /** If set, written verbatim into the 12-byte size field instead of {@link #size} in octal. */
    public byte[] rawSize;
    /** If set, written verbatim into the 8-byte uid field. */
    public byte[] rawUid;
    /** If set, the checksum field holds this value instead of the correct sum. */
    public Long checksumOverride;
    /** If set, the 8-byte checksum field is written verbatim (after computing nothing). */
    public byte[] rawChecksum;

    public Header(String name, char typeflag) {
      this.name = name;
      this.typeflag = typeflag;
      this.mode = typeflag == DIR ? 0755 : typeflag == SYMLINK ? 0777 : 0644;
    }
  }

  public static Header header(String name, char typeflag) {
    return new Header(name, typeflag);
  }

  /** A regular file with the given content. */
  public TarBytes file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  public TarBytes file(String name, byte[] content) {
    Header h = header(name, REG);
    h.size = content.length;
    return entry(h, content);
  }

  public TarBytes dir(String name) {
    return entry(header(name, DIR), new byte[0]);
  }

  public TarBytes symlink(String name, String target) {
    Header h = header(name, SYMLINK);
    h.linkname = target;
    return entry(h, new byte[0]);
  }

  public TarBytes hardlink(String name, String target) {
    Header h = header(name, LINK);
    h.linkname = target;
    return entry(h, new byte[0]);
  }

  /** An empty regular file, as every engine writes whiteouts. */
  public TarBytes whiteout(String name) {
    Header h = header(name, REG);
    h.mode = 0;
    return entry(h, new byte[0]);
  }

  /** Header plus data, padded to a block boundary. */
  public TarBytes entry(Header h, byte[] data) {
    header(h);
    out.writeBytes(data);
    pad(data.length);
    return this;
  }

  /** Header only: the caller writes (or deliberately does not write) the data. */
  public TarBytes header(Header h) {
    out.writeBytes(encode(h));
    return this;
  }

  /** A PAX extended header ('x') with the given records, for the entry that follows. */
  public TarBytes pax(Map<String, String> records) {
    Map<String, byte[]> raw = new LinkedHashMap<>();
    records.forEach((k, v) -> raw.put(k, v.getBytes(StandardCharsets.UTF_8)));
    return paxBytes(raw);
  }

  public TarBytes pax(String key, String value) {
    return pax(Map.of(key, value));
  }

  /** A PAX header whose values are raw bytes (binary xattr values). */
  public TarBytes paxBytes(Map<String, byte[]> records) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    records.forEach((k, v) -> payload.writeBytes(paxRecord(k, v)));
    return paxRaw(payload.toByteArray());
  }

  /** A PAX header with a verbatim payload (records that lie about their length, etc.). */
  public TarBytes paxRaw(byte[] payload) {
    Header h = header("PaxHeaders.0/x", PAX);
    h.mode = 0;
    h.size = payload.length;
    return entry(h, payload);
  }

  /** A GNU long-name ('L') header naming the entry that follows. */
  public TarBytes gnuLongName(String name) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
    Header h = header("././@LongLink", GNU_LONGNAME);
    h.gnu = true;
    h.mode = 0;
    h.size = n.length;
    return entry(h, n);
  }

  /** A GNU long-link ('K') header: the link target of the entry that follows. */
  public TarBytes gnuLongLink(String target) {
    byte[] n = (target + "\0").getBytes(StandardCharsets.UTF_8);
    Header h = header("././@LongLink", GNU_LONGLINK);
    h.gnu = true;
    h.mode = 0;
    h.size = n.length;
    return entry(h, n);
  }

  public TarBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** {@code n} zero blocks of 512 bytes. */
  public TarBytes zeros(int blocks) {
    out.writeBytes(new byte[512 * blocks]);
    return this;
  }

  /** The two zero blocks that end an archive. */
  public TarBytes end() {
    return zeros(2);
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  public int length() {
    return out.size();
  }

  /** One PAX record "LEN key=value\n", LEN counting itself. */
  public static byte[] paxRecord(String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int body = 1 + k.length + 1 + value.length + 1; // ' ' key '=' value '\n'
    int len = body + Integer.toString(body).length();
    if (Integer.toString(len).length() != Integer.toString(body).length()) {
      len++;
    }
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
    r.writeBytes(k);
    r.write('=');
    r.writeBytes(value);
    r.write('\n');
    return r.toByteArray();
  }

  /** A numeric field in base-256 (GNU): high bit of the first byte set, big-endian two's complement. */
  public static byte[] base256(long value, int width) {
    byte[] f = new byte[width];
    long v = value;
    for (int i = width - 1; i >= 1; i--) {
      f[i] = (byte) v;
      v >>= 8;
    }
    f[0] = (byte) (value < 0 ? 0xff : 0x80);
    return f;
  }

  /** A numeric field in octal, NUL-terminated, zero-padded to {@code width}. */
  public static byte[] octal(long value, int width) {
    String s = Long.toOctalString(value);
    byte[] f = new byte[width];
    String padded = "0".repeat(Math.max(0, width - 1 - s.length())) + s;
    byte[] p = padded.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(p, 0, f, 0, Math.min(p.length, width));
    return f;
  }

  /** Encodes one 512-byte header block. */
  public static byte[] encode(Header h) {
    byte[] b = new byte[512];
    put(b, 0, 100, h.name.getBytes(StandardCharsets.UTF_8));
    put(b, 100, 8, octal(h.mode, 8));
    put(b, 108, 8, h.rawUid != null ? h.rawUid : numeric(h.uid, 8));
    put(b, 116, 8, numeric(h.gid, 8));
    put(b, 124, 12, h.rawSize != null ? h.rawSize : numeric(h.size, 12));
    put(b, 136, 12, numeric(h.mtime, 12));
    Arrays.fill(b, 148, 156, (byte) ' ');
    b[156] = (byte) h.typeflag;
    put(b, 157, 100, h.linkname.getBytes(StandardCharsets.UTF_8));
    if (h.gnu) {
      put(b, 257, 8, "ustar  \0".getBytes(StandardCharsets.US_ASCII));
    } else {
      put(b, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
      put(b, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    }
    put(b, 265, 32, h.uname.getBytes(StandardCharsets.UTF_8));
    put(b, 297, 32, h.gname.getBytes(StandardCharsets.UTF_8));
    if (h.typeflag == CHR || h.typeflag == BLK) {
      put(b, 329, 8, octal(h.devmajor, 8));
      put(b, 337, 8, octal(h.devminor, 8));
    }
    if (!h.gnu) {
      put(b, 345, 155, h.prefix.getBytes(StandardCharsets.UTF_8));
    }
    if (h.rawChecksum != null) {
      put(b, 148, 8, h.rawChecksum);
    } else {
      long sum = 0;
      for (byte x : b) {
        sum += x & 0xff;
      }
      long c = h.checksumOverride != null ? h.checksumOverride : sum;
      byte[] cs = octal(c, 7); // 6 digits + NUL, then the space already there
      put(b, 148, 7, cs);
    }
    return b;
  }

  private static byte[] numeric(long v, int width) {
    long max = 1L << (3 * (width - 1));
    return v >= 0 && v < max ? octal(v, width) : base256(v, width);
  }

  private static void put(byte[] block, int off, int len, byte[] v) {
    System.arraycopy(v, 0, block, off, Math.min(len, v.length));
  }

  private void pad(long n) {
    int rem = (int) (n % 512);
    if (rem != 0) {
      out.writeBytes(new byte[512 - rem]);
    }
  }
}
