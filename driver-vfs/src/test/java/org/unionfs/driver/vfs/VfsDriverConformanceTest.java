package org.unionfs.driver.vfs;

import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.testkit.GraphDriverProviderConformance;

/** The whole conformance suite against vfs, opened through its provider as the registry opens it. */
class VfsDriverConformanceTest extends GraphDriverProviderConformance {
  @Override
  protected GraphDriverProvider provider() {
    return new VfsDriverProvider();
  }
}
