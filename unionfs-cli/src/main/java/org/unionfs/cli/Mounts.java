package org.unionfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.posix.Posix;

/** The two mount facts {@code unionfs put} needs when the mount was made by an earlier process. */
final class Mounts {
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  private Mounts() {}

  /** Whether {@code path} is a mount point now (listed in {@code /proc/self/mountinfo}). */
  static boolean isMountPoint(Path path) throws IOException {
    String target = canonical(path);
    for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      // mountinfo(5): id parent major:minor root MOUNT-POINT options ...
      if (f.length > 4 && unescape(f[4]).equals(target)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Unmounts {@code path} if it is a mount point; returns whether it was. {@code detach} is
   * {@code MNT_DETACH}, for a FUSE mount whose process died (its mount point answers ENOTCONN).
   */
  static boolean unmountIfMounted(Path path, boolean detach) throws IOException {
    if (!isMountPoint(path)) {
      return false;
    }
    Posix.get().umount2(Path.of(canonical(path)), detach ? Posix.MNT_DETACH : 0);
    return true;
  }

  private static String canonical(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    try {
      return abs.toRealPath().toString();
    } catch (IOException e) {
      return abs.toString(); // a dead FUSE mount cannot be resolved; its recorded path is absolute
    }
  }

  /** mountinfo escapes space, tab, newline and backslash as three octal digits ("\040"). */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder b = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
