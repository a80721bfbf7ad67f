package org.unionfs.api.spi;

import java.util.Objects;

/**
 * The answer of a driver's probe: whether it can run on this host and home, and if not, why.
 *
 * @param supported whether the driver can be opened here
 * @param reason why not ("" when supported)
 */
public record Support(boolean supported, String reason) {

  private static final Support YES = new Support(true, "");

  public Support {
    Objects.requireNonNull(reason, "reason");
    if (!supported && reason.isBlank()) {
      throw new IllegalArgumentException("an unsupported driver must say why");
    }
  }

  public static Support yes() {
    return YES;
  }

  public static Support notSupported(String reason) {
    return new Support(false, reason);
  }

  @Override
  public String toString() {
    return supported ? "supported" : "not supported: " + reason;
  }
}
