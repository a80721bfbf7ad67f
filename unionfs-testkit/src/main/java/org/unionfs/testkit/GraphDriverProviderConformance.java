package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;

/**
 * The conformance suite for a driver given by its {@link GraphDriverProvider}, opened the way the
 * registry opens it:
 *
 * <pre>
 *   class VfsDriverConformanceTest extends GraphDriverProviderConformance {
 *     protected GraphDriverProvider provider() {
 *       return new VfsDriverProvider();
 *     }
 *   }
 * </pre>
 */
public abstract class GraphDriverProviderConformance extends GraphDriverConformance {

  /** The provider of the driver under test. */
  protected abstract GraphDriverProvider provider();

  /** Driver options to open it with; none by default. */
  protected Map<String, String> driverOptions() {
    return Map.of();
  }

  @Override
  protected final GraphDriver newDriver(Path home) throws IOException {
    return provider().open(new DriverContext(home, driverOptions()));
  }
}
