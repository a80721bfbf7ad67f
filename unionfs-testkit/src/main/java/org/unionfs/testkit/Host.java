package org.unionfs.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the host the suite runs on, for {@code Assumptions} with a reason. */
public final class Host {
  private static final int[] IDS = readIds();

  private Host() {}

  /** Whether the process runs with effective uid 0 (chown, setting security.capability, mknod). */
  public static boolean isRoot() {
    return IDS[0] == 0;
  }

  /** The effective uid: the owner a fresh layer root must have. */
  public static int uid() {
    return IDS[0];
  }

  /** The effective gid. */
  public static int gid() {
    return IDS[1];
  }

  /** The reason text used when a check needs root. */
  public static String needsRoot(String why) {
    return "needs root (" + why + "); running as uid " + uid();
  }

  private static int[] readIds() {
    try {
      int uid = -1;
      int gid = -1;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        // "Uid:\treal\teffective\tsaved\tfs"
        if (line.startsWith("Uid:")) {
          uid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        } else if (line.startsWith("Gid:")) {
          gid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        }
      }
      return new int[] {uid, gid};
    } catch (IOException e) {
      throw new UncheckedIOException("reading /proc/self/status", e);
    }
  }
}
