package org.unionfs.driver.overlay2;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.spi.DriverContext;

/** Host capability checks for tests that need root and kernel overlayfs. */
final class Host {
  private static String overlayReason;

  private Host() {}

  /** Why overlay2 cannot run here ("" when it can), probed once. */
  static synchronized String overlayReason() {
    if (overlayReason == null) {
      try {
        Path dir = Files.createTempDirectory("h8-probe");
        try {
          var s = new Overlay2DriverProvider().probe(DriverContext.of(dir.resolve("overlay2")));
          overlayReason = s.supported() ? "" : s.reason();
        } finally {
          Trees.deleteRecursively(dir);
        }
      } catch (IOException | RuntimeException | LinkageError e) {
        overlayReason = "probe failed: " + e;
      }
    }
    return overlayReason;
  }

  /** Skips the test, with the reason, unless we are root with kernel overlayfs. */
  static void assumeOverlay() {
    String reason = overlayReason();
    assumeTrue(reason.isEmpty(), () -> "needs root and kernel overlayfs: " + reason);
  }
}
