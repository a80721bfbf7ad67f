package org.unionfs.api.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a driver is opened with: its home directory and its driver options.
 *
 * @param home the driver's home, {@code <root>/<driver name>} when opened through the registry; created by
 *     the driver on open if missing
 * @param options driver options ({@code overlay2.size=10G}, {@code dm.basesize=20G}); the driver rejects
 *     keys it does not know, naming them
 */
public record DriverContext(Path home, Map<String, String> options) {
  public DriverContext {
    Objects.requireNonNull(home, "home");
    home = home.toAbsolutePath().normalize();
    options = Map.copyOf(options);
  }

  public static DriverContext of(Path home) {
    return new DriverContext(home, Map.of());
  }
}
