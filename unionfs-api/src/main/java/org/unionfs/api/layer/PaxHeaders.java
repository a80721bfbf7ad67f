package org.unionfs.api.layer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * PAX extended headers: parsing the {@code "<len> <key>=<value>\n"} records (lengths checked, binary
 * xattr values kept byte for byte) and folding them into a {@link TarEntry}: {@code path},
 * {@code linkpath}, {@code size}, {@code uid}, {@code gid}, {@code mtime} (with nanoseconds),
 * {@code SCHILY.xattr.*} and libarchive's base64 {@code LIBARCHIVE.xattr.*}; GNU sparse records are
 * refused.
 */
final class PaxHeaders {
  private PaxHeaders() {}

  /** PAX records "len key=value\n"; lengths are checked against the text. */
  static Map<String, String> parse(byte[] raw, long headerOffset)
      throws InvalidArgumentException {
    Map<String, String> out = new HashMap<>();
    int i = 0;
    while (i < raw.length) {
      int sp = i;
      while (sp < raw.length && raw[sp] != ' ') {
        sp++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(raw, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("layer tar: malformed PAX record length at offset " + headerOffset);
      }
      if (len <= sp - i + 2 || i + len > raw.length || raw[i + len - 1] != '\n') {
        throw new InvalidArgumentException("layer tar: malformed PAX record at offset " + headerOffset);
      }
      int eq = sp + 1;
      while (eq < i + len && raw[eq] != '=') {
        eq++;
      }
      if (eq >= i + len - 1) {
        throw new InvalidArgumentException("layer tar: PAX record without '=' at offset " + headerOffset);
      }
      String key = new String(raw, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
      // Values of xattrs are binary: keep the bytes as ISO-8859-1 chars so that they round-trip.
      String value = new String(raw, eq + 1, i + len - 1 - (eq + 1),
          key.startsWith("SCHILY.xattr.") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
      out.put(key, value);
      i += len;
    }
    return out;
  }

  static void apply(TarEntry e, Map<String, String> pax) throws InvalidArgumentException {
    // The names first, so that every error below names the member by its real name.
    if (pax.containsKey("path")) {
      e.name = pax.get("path");
    }
    if (pax.containsKey("linkpath")) {
      e.linkName = pax.get("linkpath");
    }
    for (Map.Entry<String, String> r : pax.entrySet()) {
      String k = r.getKey();
      String v = r.getValue();
      switch (k) {
        case "path" -> e.name = v;
        case "linkpath" -> e.linkName = v;
        case "size" -> e.size = paxLong(v, k, e);
        case "uid" -> e.uid = paxLong(v, k, e);
        case "gid" -> e.gid = paxLong(v, k, e);
        case "mtime" -> paxTime(v, e);
        default -> {
          if (k.startsWith("SCHILY.xattr.")) {
            e.xattrs.put(k.substring("SCHILY.xattr.".length()), v.getBytes(StandardCharsets.ISO_8859_1));
          } else if (k.startsWith("LIBARCHIVE.xattr.")) {
            String name = java.net.URLDecoder.decode(k.substring("LIBARCHIVE.xattr.".length()),
                StandardCharsets.UTF_8);
            try {
              e.xattrs.putIfAbsent(name, Base64.getDecoder().decode(v));
            } catch (IllegalArgumentException bad) {
              throw new InvalidArgumentException("layer tar: " + e.describe()
                  + ": bad LIBARCHIVE.xattr value in its PAX header");
            }
          } else if (k.startsWith("GNU.sparse.")) {
            throw new InvalidArgumentException("layer tar: " + e.describe()
                + " is a sparse file, which a layer must not use");
          }
          // atime, ctime, uname, gname, comment, charset, hdrcharset: not needed
        }
      }
    }
  }

  private static long paxLong(String v, String key, TarEntry e) throws InvalidArgumentException {
    try {
      long n = Long.parseLong(v.trim());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException ex) {
      throw new InvalidArgumentException("layer tar: " + e.describe() + ": bad PAX " + key + " '" + v + "'");
    }
  }

  private static void paxTime(String v, TarEntry e) throws InvalidArgumentException {
    try {
      String s = v.trim();
      boolean neg = s.startsWith("-");
      int dot = s.indexOf('.');
      String whole = dot >= 0 ? s.substring(0, dot) : s;
      long sec = Long.parseLong(whole);
      int nsec = 0;
      if (dot >= 0) {
        String frac = s.substring(dot + 1);
        if (!frac.chars().allMatch(Character::isDigit)) {
          throw new NumberFormatException();
        }
        frac = (frac + "000000000").substring(0, 9);
        nsec = Integer.parseInt(frac);
      }
      if (neg && nsec != 0) {
        sec -= 1;
        nsec = 1_000_000_000 - nsec;
      }
      e.mtimeSec = sec;
      e.mtimeNsec = nsec;
    } catch (NumberFormatException | StringIndexOutOfBoundsException ex) {
      throw new InvalidArgumentException("layer tar: " + e.describe() + ": bad PAX mtime '" + v + "'");
    }
  }
}
