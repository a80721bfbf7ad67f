package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads the mount points of this process from {@code /proc/self/mountinfo}. */
final class MountTable {
  private MountTable() {}

  /** One mount: its mount point and filesystem type. */
  record Entry(Path mountPoint, String fsType) {}

  /** Every mount of this process, in the kernel's order (parents before children). */
  static List<Entry> read() throws IOException {
    return parse(Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8));
  }

  /**
   * Parses mountinfo lines: {@code id parent major:minor root mountpoint options [optional...] - type
   * source superoptions}; the mount point is field 5, the type follows the "-" separator.
   */
  static List<Entry> parse(String mountinfo) {
    List<Entry> entries = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(" ");
      if (fields.length < 7) {
        continue;
      }
      int dash = -1;
      for (int i = 6; i < fields.length; i++) {
        if (fields[i].equals("-")) {
          dash = i;
          break;
        }
      }
      String type = dash > 0 && dash + 1 < fields.length ? fields[dash + 1] : "";
      entries.add(new Entry(Path.of(unescape(fields[4])), type));
    }
    return entries;
  }

  /**
   * The mount points at or below {@code dir}, deepest first (the order to unmount them in).
   */
  static List<Path> under(List<Entry> entries, Path dir) {
    List<Path> found = new ArrayList<>();
    for (Entry e : entries) {
      if (e.mountPoint().startsWith(dir)) {
        found.add(e.mountPoint());
      }
    }
    found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return found;
  }

  /** Whether {@code path} is a mount point. */
  static boolean isMountPoint(List<Entry> entries, Path path) {
    return entries.stream().anyMatch(e -> e.mountPoint().equals(path));
  }

  /** Undoes the kernel's octal escapes of space, tab, newline and backslash ({@code \040}). */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    byte[] raw = field.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\\' && i + 3 < raw.length + 0 && isOctal(raw[i + 1]) && isOctal(raw[i + 2])
          && isOctal(raw[i + 3])) {
        out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
        i += 3;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }
}
