package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's umask and effective uid, read once from {@code /proc/self/status}. */
final class ProcessFacts {
  /** The umask files and directories are created under. */
  static final int UMASK;
  /** The effective uid; 0 for root. */
  static final int EUID;

  static {
    int umask = 022;
    int euid = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Umask:")) {
          umask = Integer.parseInt(line.substring(6).trim(), 8);
        } else if (line.startsWith("Uid:")) {
          euid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // keep the defaults: chmod is then done whenever it might be needed
      umask = 07777;
    }
    UMASK = umask & 0777;
    EUID = euid;
  }

  private ProcessFacts() {}
}
