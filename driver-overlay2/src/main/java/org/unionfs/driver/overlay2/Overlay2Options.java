package org.unionfs.driver.overlay2;

import java.util.Map;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.spi.DriverOptions;

/**
 * The driver options of overlay2.
 *
 * @param defaultQuota {@code overlay2.size}: the quota of every read-write layer that does not set
 *     {@code size} itself, in bytes; 0 for none (moby)
 * @param maxDepth {@code overlay2.max_depth}: how many lower layers a layer may have; Docker's 128 by
 *     default, at most the kernel's 500 (beyond 128 the mount data may need the relative-path fallback,
 *     and beyond roughly 140 it no longer fits in a 4 KiB page at all)
 */
record Overlay2Options(long defaultQuota, int maxDepth) {
  static final String SIZE = "overlay2.size";
  static final String MAX_DEPTH = "overlay2.max_depth";

  Overlay2Options {
    if (defaultQuota < 0) {
      throw new IllegalArgumentException("negative quota " + defaultQuota);
    }
    if (maxDepth < 1 || maxDepth > Overlay2Layout.KERNEL_MAX_DEPTH) {
      throw new IllegalArgumentException("max depth " + maxDepth);
    }
  }

  /** Parses driver options, refusing unknown keys by name. */
  static Overlay2Options parse(Map<String, String> options) throws InvalidArgumentException {
    DriverOptions o = DriverOptions.of("overlay2", options);
    long size = o.size(SIZE, 0);
    long depth = o.number(MAX_DEPTH, Overlay2Layout.MAX_DEPTH);
    if (depth < 1 || depth > Overlay2Layout.KERNEL_MAX_DEPTH) {
      throw o.invalid(MAX_DEPTH, Long.toString(depth),
          "must be between 1 and " + Overlay2Layout.KERNEL_MAX_DEPTH + " (the kernel's limit)");
    }
    o.requireAllUsed();
    return new Overlay2Options(size, (int) depth);
  }
}
