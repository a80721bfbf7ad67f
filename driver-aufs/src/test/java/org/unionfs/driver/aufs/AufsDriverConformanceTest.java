package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.testkit.GraphDriverConformance;

/** The whole conformance suite on aufs through FUSE (root and /dev/fuse; skipped with the reason otherwise). */
class AufsDriverConformanceTest extends GraphDriverConformance {

  @BeforeEach
  void requireFuse() {
    AufsHost.assumeFuseAndRoot();
  }

  @Override
  protected GraphDriver newDriver(Path home) throws IOException {
    return new AufsDriverProvider().open(DriverContext.of(home));
  }
}
