package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.testkit.GraphDriverConformance;

/**
 * The whole conformance suite on devicemapper (root, /dev/fuse, losetup and e2fsprogs; skipped with the
 * reason otherwise), on a small pool so that each test's fresh home is quick to make.
 */
class DevicemapperDriverConformanceTest extends GraphDriverConformance {

  @BeforeEach
  void requireHost() {
    DmHost.assumeSupported();
  }

  @Override
  protected GraphDriver newDriver(Path home) throws IOException {
    return new DevicemapperDriverProvider().open(new DriverContext(home, DmHost.SMALL));
  }
}
