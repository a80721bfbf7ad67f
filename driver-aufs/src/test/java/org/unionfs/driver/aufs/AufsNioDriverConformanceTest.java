package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.testkit.GraphDriverConformance;

/**
 * The whole conformance suite on aufs in {@code aufs.mountmode=nio}: layers are seen through the
 * in-process union file system ({@code union:} paths), with no FUSE, no mount and no root needed (as
 * root, the privileged checks run as well: chown, {@code security.capability}, device nodes).
 */
class AufsNioDriverConformanceTest extends GraphDriverConformance {
  @Override
  protected GraphDriver newDriver(Path home) throws IOException {
    return new AufsDriverProvider().open(new DriverContext(home, Map.of(AufsOptions.MOUNT_MODE, "nio")));
  }
}
