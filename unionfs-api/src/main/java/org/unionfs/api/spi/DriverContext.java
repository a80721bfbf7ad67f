package org.unionfs.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a driver is opened with: its home directory, its driver options, and who else uses its mounts.
 *
 * @param home the driver's home, {@code <root>/<driver name>} when opened through the registry; created by
 *     the driver on open if missing
 * @param options driver options ({@code overlay2.size=10G}, {@code dm.basesize=20G}); the driver rejects
 *     keys it does not know, naming them
 * @param sharedMounts whether kernel mounts under the home outlive the process that made them and are
 *     shared with other processes using the same home (the command line, where {@code get} and
 *     {@code put} are separate processes). When false (the default, for a program that owns its home),
 *     opening the driver detaches every mount left under the home by a crashed process, and closing it
 *     detaches every mount. When true, opening and closing leave existing mounts alone, and a layer found
 *     already mounted counts as one reference held elsewhere, which a {@code put} in this process may
 *     release (moby's {@code mountref} counter). Drivers whose mounts live only as long as the process
 *     (FUSE) clear only the mounts of dead processes when it is set.
 */
public record DriverContext(Path home, Map<String, String> options, boolean sharedMounts) {
  public DriverContext {
    Objects.requireNonNull(home, "home");
    home = home.toAbsolutePath().normalize();
    options = Map.copyOf(options);
  }

  /** A context for a program that owns its home ({@code sharedMounts} false). */
  public DriverContext(Path home, Map<String, String> options) {
    this(home, options, false);
  }

  public static DriverContext of(Path home) {
    return new DriverContext(home, Map.of());
  }
}
