package org.unionfs.nio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.union.Caller;

/**
 * Who this process is, for the checks the kernel would make: effective uid and gid (access checks) and
 * the umask (new files and directories), read from {@code /proc/self/status} when a union opens.
 *
 * @param umask the file mode creation mask; Linux before 4.7 does not report it, then 022 is assumed
 */
record ProcessIds(int uid, int gid, int umask) {
  private static final Path STATUS = Path.of("/proc/self/status");

  /** The ids of this process now. */
  static ProcessIds current() {
    int uid = -1;
    int gid = -1;
    int umask = 022;
    try {
      for (String line : Files.readAllLines(STATUS)) {
        // "Uid:\treal\teffective\tsaved\tfs"
        if (line.startsWith("Uid:")) {
          uid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        } else if (line.startsWith("Gid:")) {
          gid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        } else if (line.startsWith("Umask:")) {
          umask = Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + STATUS, e);
    }
    return new ProcessIds(uid, gid, umask);
  }

  /** The caller whose permissions {@code access} checks. */
  Caller caller() {
    return new Caller(uid, gid);
  }
}
