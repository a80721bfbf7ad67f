package org.unionfs.driver.devicemapper.activation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code /proc/self/mountinfo}: which filesystem type is mounted at a directory, and where a
 * block device is mounted. (fuse-mount has the same reader, package-private there.)
 */
public final class KernelMounts {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private KernelMounts() {}

  /** One line of mountinfo: the device number of the mounted filesystem, its mount point and type. */
  public record Entry(String majorMinor, Path mountPoint, String type, String source) {}

  /** Every mount of this process's namespace, in mountinfo's order (a later one over an earlier one). */
  public static List<Entry> entries() throws IOException {
    List<Entry> out = new ArrayList<>();
    for (String line : Files.readAllLines(MOUNTINFO)) {
      String[] f = line.split(" ");
      int dash = line.indexOf(" - ");
      if (f.length < 7 || dash < 0) {
        continue;
      }
      String[] tail = line.substring(dash + 3).split(" ");
      out.add(new Entry(f[2], Path.of(unescape(f[4])), tail[0], tail.length > 1 ? unescape(tail[1]) : ""));
    }
    return out;
  }

  /** The type of the filesystem mounted exactly at {@code dir} (the top one, if stacked), or empty. */
  static Optional<String> typeAt(Path dir) throws IOException {
    String found = null;
    for (Entry e : entries()) {
      if (e.mountPoint().equals(dir)) {
        found = e.type();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Every mount point of the filesystem on block device {@code majorMinor} ("7:3"). */
  static List<Path> mountPointsOf(String majorMinor) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Entry e : entries()) {
      if (e.majorMinor().equals(majorMinor)) {
        out.add(e.mountPoint());
      }
    }
    return out;
  }

  /** mountinfo writes space, tab, newline and backslash as three octal digits after a backslash. */
  public static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() + 1 && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int at) {
    if (at + 3 > s.length()) {
      return false;
    }
    for (int i = at; i < at + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
