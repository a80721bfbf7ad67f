package org.unionfs.api.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deterministic tar writer in the encoding Go's {@code archive/tar} gives docker's layer tars: ustar
 * headers ({@code ustar\0}, version {@code 00}), a PAX {@code x} header only where ustar cannot hold a
 * value (long or non-ASCII names, uid/gid over 2097151, sizes of 8 GiB and more, negative or huge mtimes,
 * xattrs), PAX records sorted by key, no global headers, no GNU extensions, empty uname/gname, and the
 * archive closed by exactly two zero blocks. The same input gives the same bytes.
 */
final class TarWriter implements AutoCloseable {
  private static final int BLOCK = 512;
  private static final long MAX_OCTAL_8 = 07777777L;
  private static final long MAX_OCTAL_12 = 077777777777L;

  private final OutputStream out;
  private final byte[] buf;
  private int n;
  private final byte[] header = new byte[BLOCK];
  private boolean finished;

  TarWriter(OutputStream out) {
    this.out = out;
    this.buf = new byte[256 * 1024];
  }

  /**
   * Writes the header(s) of one member. {@code e.size} must be 0 for anything but a regular file.
   *
   * @param modeField the value of the mode field (docker puts the file-type bits in it)
   */
  void writeHeader(TarEntry e, int modeField) throws IOException {
    Map<String, byte[]> pax = new TreeMap<>();
    byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
    byte[] nameField = name;
    byte[] prefixField = null;
    if (name.length > 100 || !ascii(name)) {
      int split = ascii(name) ? splitUstar(name) : -1;
      if (split > 0) {
        prefixField = Arrays.copyOfRange(name, 0, split);
        nameField = Arrays.copyOfRange(name, split + 1, name.length);
      } else {
        pax.put("path", name);
        nameField = asciiPrefix(name, 100);
      }
    }
    byte[] link = e.linkName == null ? new byte[0] : e.linkName.getBytes(StandardCharsets.UTF_8);
    byte[] linkField = link;
    if (link.length > 100 || !ascii(link)) {
      pax.put("linkpath", link);
      linkField = asciiPrefix(link, 100);
    }
    long uid = e.uid;
    long gid = e.gid;
    if (uid > MAX_OCTAL_8) {
      pax.put("uid", ascii(Long.toString(uid)));
      uid = 0;
    }
    if (gid > MAX_OCTAL_8) {
      pax.put("gid", ascii(Long.toString(gid)));
      gid = 0;
    }
    long size = e.size;
    if (size > MAX_OCTAL_12) {
      pax.put("size", ascii(Long.toString(size)));
      size = 0;
    }
    long mtime = e.mtimeSec;
    if (mtime < 0 || mtime > MAX_OCTAL_12) {
      pax.put("mtime", ascii(Long.toString(mtime)));
      mtime = 0;
    }
    for (Map.Entry<String, byte[]> x : e.xattrs.entrySet()) {
      pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
    }
    if (!pax.isEmpty()) {
      writePax(e.name, pax);
    }
    Arrays.fill(header, (byte) 0);
    put(nameField, 0, 100);
    octal(modeField & 07777777, 100, 8);
    octal(uid, 108, 8);
    octal(gid, 116, 8);
    octal(size, 124, 12);
    octal(mtime, 136, 12);
    header[156] = e.type;
    put(linkField, 157, 100);
    put(new byte[] {'u', 's', 't', 'a', 'r', 0, '0', '0'}, 257, 8);
    octal(e.devMajor, 329, 8);
    octal(e.devMinor, 337, 8);
    if (prefixField != null) {
      put(prefixField, 345, 155);
    }
    checksum();
    write(header, 0, BLOCK);
  }

  /** Copies exactly {@code size} bytes of {@code ch} from its start, then pads to a block. */
  void writeData(FileChannel ch, long size, String what) throws IOException {
    long left = size;
    long at = 0;
    while (left > 0) {
      if (n == buf.length) {
        flushBuffer();
      }
      int want = (int) Math.min(left, buf.length - n);
      int r = ch.read(ByteBuffer.wrap(buf, n, want), at);
      if (r < 0) {
        throw new IOException(what + ": file shrank while being written to the tar ("
            + (size - left) + " of " + size + " bytes)");
      }
      n += r;
      at += r;
      left -= r;
    }
    padTo(size);
  }

  /** Writes {@code data} as the content of the last header, padded to a block. */
  void writeData(byte[] data) throws IOException {
    write(data, 0, data.length);
    padTo(data.length);
  }

  private void padTo(long size) throws IOException {
    int pad = (int) ((BLOCK - (size % BLOCK)) % BLOCK);
    if (pad > 0) {
      write(new byte[pad], 0, pad);
    }
  }

  /** Ends the archive with two zero blocks and flushes; does not close the stream. */
  void finish() throws IOException {
    if (!finished) {
      finished = true;
      write(new byte[2 * BLOCK], 0, 2 * BLOCK);
      flushBuffer();
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    finish();
  }

  private void writePax(String name, Map<String, byte[]> records) throws IOException {
    List<byte[]> parts = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] value = r.getValue();
      int body = 1 + key.length + 1 + value.length + 1; // " key=value\n"
      int len = body + Integer.toString(body).length();
      if (Integer.toString(len).length() != Integer.toString(body).length()) {
        len = body + Integer.toString(len).length();
      }
      byte[] rec = new byte[len];
      byte[] lenBytes = ascii(Integer.toString(len));
      int p = 0;
      System.arraycopy(lenBytes, 0, rec, p, lenBytes.length);
      p += lenBytes.length;
      rec[p++] = ' ';
      System.arraycopy(key, 0, rec, p, key.length);
      p += key.length;
      rec[p++] = '=';
      System.arraycopy(value, 0, rec, p, value.length);
      p += value.length;
      rec[p] = '\n';
      parts.add(rec);
      total += len;
    }
    byte[] data = new byte[total];
    int p = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, data, p, part.length);
      p += part.length;
    }
    // Go names the PAX member "<dir>/PaxHeaders.0/<base>", cut to 100 bytes.
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    int slash = trimmed.lastIndexOf('/');
    String paxName = (slash >= 0 ? trimmed.substring(0, slash + 1) : "") + "PaxHeaders.0/"
        + trimmed.substring(slash + 1);
    Arrays.fill(header, (byte) 0);
    put(asciiPrefix(paxName.getBytes(StandardCharsets.UTF_8), 100), 0, 100);
    octal(0, 100, 8);
    octal(0, 108, 8);
    octal(0, 116, 8);
    octal(total, 124, 12);
    octal(0, 136, 12);
    header[156] = 'x';
    put(new byte[] {'u', 's', 't', 'a', 'r', 0, '0', '0'}, 257, 8);
    octal(0, 329, 8);
    octal(0, 337, 8);
    checksum();
    write(header, 0, BLOCK);
    writeData(data);
  }

  /**
   * The index of the '/' that splits {@code name} into ustar prefix (≤155) and name (1..100), or -1;
   * the same split as Go's {@code splitUSTARPath} (the last '/' within the first 156 bytes).
   */
  private static int splitUstar(byte[] name) {
    int length = name.length;
    if (length > 156) {
      length = 156;
    } else if (name[length - 1] == '/') {
      length--;
    }
    int i = length - 1;
    while (i >= 0 && name[i] != '/') {
      i--;
    }
    int nlen = name.length - i - 1;
    if (i <= 0 || nlen > 100 || nlen == 0 || i > 155) {
      return -1;
    }
    return i;
  }

  private static boolean ascii(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The first {@code max} bytes, non-ASCII bytes dropped (Go does the same for the fallback field). */
  private static byte[] asciiPrefix(byte[] b, int max) {
    byte[] out = new byte[Math.min(b.length, max)];
    int k = 0;
    for (int i = 0; i < b.length && k < max; i++) {
      if (b[i] >= 0) {
        out[k++] = b[i];
      }
    }
    return Arrays.copyOf(out, k);
  }

  private void put(byte[] src, int at, int max) {
    System.arraycopy(src, 0, header, at, Math.min(src.length, max));
  }

  /** Zero-padded octal with a trailing NUL, as Go writes it. */
  private void octal(long v, int at, int len) {
    String s = Long.toOctalString(v);
    int digits = len - 1;
    int pad = digits - s.length();
    for (int i = 0; i < pad; i++) {
      header[at + i] = '0';
    }
    for (int i = 0; i < s.length(); i++) {
      header[at + pad + i] = (byte) s.charAt(i);
    }
    header[at + len - 1] = 0;
  }

  private void checksum() {
    Arrays.fill(header, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    String s = Long.toOctalString(sum);
    String six = "000000".substring(s.length()) + s;
    for (int i = 0; i < 6; i++) {
      header[148 + i] = (byte) six.charAt(i);
    }
    header[154] = 0;
    header[155] = ' ';
  }

  private void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (n == buf.length) {
        flushBuffer();
      }
      int k = Math.min(len, buf.length - n);
      System.arraycopy(b, off, buf, n, k);
      n += k;
      off += k;
      len -= k;
    }
  }

  private void flushBuffer() throws IOException {
    if (n > 0) {
      out.write(buf, 0, n);
      n = 0;
    }
  }
}
