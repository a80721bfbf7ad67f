package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;
import org.unionfs.api.union.UnionConfig;

/**
 * Registers the aufs driver ("aufs"): Docker's aufs layout, layers assembled by the union engine
 * through FUSE instead of the aufs kernel module (which current kernels do not have).
 */
public final class AufsDriverProvider implements GraphDriverProvider {
  /** The registered name. */
  public static final String NAME = "aufs";
  private static final Path DEV_FUSE = Path.of("/dev/fuse");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<DriverCapability> capabilities() {
    return AufsDriver.CAPABILITIES;
  }

  /**
   * Needs root (FUSE mounts with {@code allow_other}, as Docker's layers) and {@code /dev/fuse}; with
   * {@code aufs.mountmode=nio} nothing.
   */
  @Override
  public Support probe(DriverContext context) {
    AufsOptions options;
    try {
      options = AufsOptions.parse(context.options());
    } catch (InvalidArgumentException e) {
      return Support.notSupported(e.getMessage());
    }
    if (options.mountMode() == AufsOptions.MountMode.NIO) {
      return Support.yes(); // in-process union file systems: no root, no FUSE
    }
    if (!UnionConfig.processIsRoot()) {
      return Support.notSupported("aufs: needs root (it mounts every layer with FUSE)");
    }
    if (!Files.isReadable(DEV_FUSE) || !Files.isWritable(DEV_FUSE)) {
      return Support.notSupported("aufs: " + DEV_FUSE + " is missing or not usable (modprobe fuse)");
    }
    return Support.yes();
  }

  /**
   * Opens the driver. With {@link DriverContext#sharedMounts()} only dead FUSE mounts under
   * {@code mnt/} are cleared (another process may be serving the others); otherwise every mount there
   * is a leftover and is detached.
   */
  @Override
  public GraphDriver open(DriverContext context) throws IOException {
    return AufsDriver.open(context.home(), context.options(), context.sharedMounts());
  }
}
