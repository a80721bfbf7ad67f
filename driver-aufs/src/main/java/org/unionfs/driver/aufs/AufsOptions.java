package org.unionfs.driver.aufs;

import java.util.Locale;
import java.util.Map;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.spi.DriverOptions;

/**
 * The aufs driver's options. moby's aufs takes none; ours has one:
 * <ul>
 *   <li>{@value #MOUNT_MODE}: {@code fuse} (default) mounts a layer's union at {@code mnt/<id>} through
 *       FUSE, as root; {@code nio} hands out the root of an in-process union file system
 *       ({@code union:} paths of {@code unionfs-nio}) instead: no FUSE, no root, no mount, but the view
 *       exists only for {@code java.nio} code in this JVM.
 * </ul>
 *
 * @param mountMode how get assembles a layer with parents
 */
record AufsOptions(MountMode mountMode) {
  static final String MOUNT_MODE = "aufs.mountmode";

  /** How a layer's union is made visible. */
  enum MountMode {
    /** A FUSE mount at {@code mnt/<id>}. */
    FUSE,
    /** The root {@code Path} of a {@code union:} file system in this JVM. */
    NIO
  }

  static AufsOptions parse(Map<String, String> options) throws InvalidArgumentException {
    DriverOptions o = DriverOptions.of(AufsDriverProvider.NAME, options);
    String mode = o.string(MOUNT_MODE, "fuse");
    MountMode m = switch (mode.toLowerCase(Locale.ROOT)) {
      case "fuse" -> MountMode.FUSE;
      case "nio" -> MountMode.NIO;
      default -> throw o.invalid(MOUNT_MODE, mode, "expected fuse or nio");
    };
    o.requireAllUsed();
    return new AufsOptions(m);
  }
}
