package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;

/** The whole suite against the test-only copying driver with moby's naive diff. */
class FakeCopyingDriverConformanceTest extends GraphDriverConformance {
  @Override
  protected GraphDriver newDriver(Path home) throws IOException {
    return NaiveDiffDriver.wrap(new FakeCopyingDriver(home));
  }
}
