package org.unionfs.api.spi;

import java.io.IOException;
import java.util.Set;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;

/**
 * A graphdriver implementation, discovered with {@link java.util.ServiceLoader}. Register it in
 * {@code META-INF/services/org.unionfs.api.spi.GraphDriverProvider}.
 */
public interface GraphDriverProvider {

  /** The registered name ("vfs", "overlay2", ...). */
  String name();

  /** What drivers opened by this provider can do, as far as is known without probing the host. */
  Set<DriverCapability> capabilities();

  /**
   * Whether the driver can run with this home on this host. Has no side effects on the home (it may
   * use a temporary directory beside it, and removes it).
   */
  Support probe(DriverContext context);

  /**
   * Opens the driver: creates the home if missing, validates options, recovers from an earlier crash
   * (stale mounts, interrupted removals).
   *
   * @throws org.unionfs.api.error.InvalidArgumentException for an unknown or malformed option
   * @throws org.unionfs.api.error.NotSupportedException if the host cannot run the driver
   */
  GraphDriver open(DriverContext context) throws IOException;
}
