package org.unionfs.driver.devicemapper;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.Support;

/** What the root-only tests need, and the small geometry they use to stay quick. */
final class DmHost {
  /** A 512 MiB pool (so a scan of the home stays cheap), 128 MiB devices, no minimum free space. */
  static final Map<String, String> SMALL = Map.of("dm.loopdatasize", "512M", "dm.loopmetadatasize", "16M",
      "dm.basesize", "128M");

  private DmHost() {}

  /** Skips the test with the provider's own reason unless root, /dev/fuse and the tools are here. */
  static void assumeSupported() {
    Support s = new DevicemapperDriverProvider().probe(DriverContext.of(java.nio.file.Path.of("/tmp")));
    Assumptions.assumeTrue(s.supported(), () -> "devicemapper driver not supported here: " + s.reason());
  }
}
