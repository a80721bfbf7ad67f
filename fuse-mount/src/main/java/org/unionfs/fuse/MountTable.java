package org.unionfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads {@code /proc/self/mountinfo}: is a directory a mount point, and of which type. */
final class MountTable {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private MountTable() {}

  /** The filesystem type mounted exactly at {@code dir} (the last one, if stacked), or empty. */
  static Optional<String> typeAt(Path dir) throws IOException {
    String target = dir.toString();
    String found = null;
    for (String line : Files.readAllLines(MOUNTINFO)) {
      String[] f = line.split(" ");
      if (f.length < 7 || !unescape(f[4]).equals(target)) {
        continue;
      }
      int dash = line.indexOf(" - ");
      if (dash >= 0) {
        found = line.substring(dash + 3).split(" ")[0];
      }
    }
    return Optional.ofNullable(found);
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
