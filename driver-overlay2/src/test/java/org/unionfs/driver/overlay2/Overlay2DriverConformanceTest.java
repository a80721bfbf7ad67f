package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.testkit.GraphDriverConformance;

/** The whole conformance suite on overlay2 (root and kernel overlayfs; skipped with the reason otherwise). */
class Overlay2DriverConformanceTest extends GraphDriverConformance {

  @BeforeEach
  void requireOverlay() {
    Host.assumeOverlay();
  }

  @Override
  protected GraphDriver newDriver(Path home) throws IOException {
    return new Overlay2DriverProvider().open(DriverContext.of(home));
  }
}
