package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.quota.ProjectQuota;
import org.unionfs.api.spi.Sizes;

/**
 * The {@code size} storage option of read-write layers and the {@code overlay2.size} default, enforced
 * with xfs project quotas on the layer directory (moby overlay2 {@code CreateReadWrite}/{@code create}).
 */
final class LayerQuotas {
  /** moby's error when the home cannot have project quotas. */
  static final String UNSUPPORTED =
      "--storage-opt is supported only for overlay over xfs with 'pquota' mount option";

  private final Optional<ProjectQuota> quota;
  private final long defaultBytes;

  LayerQuotas(Optional<ProjectQuota> quota, long defaultBytes) {
    this.quota = quota;
    this.defaultBytes = defaultBytes;
  }

  /**
   * Quotas for {@code home} (which exists): enforced if its filesystem can, with {@code defaultBytes}
   * for read-write layers that set no size.
   *
   * @throws NotSupportedException if a default is asked for on a filesystem without project quotas
   */
  static LayerQuotas open(Path home, long defaultBytes) throws IOException {
    Optional<ProjectQuota> quota = ProjectQuota.open(home);
    if (quota.isEmpty() && defaultBytes > 0) {
      throw new NotSupportedException("Storage option overlay2.size not supported. Filesystem does not "
          + "support Project Quota: " + ProjectQuota.unsupportedReason(home));
    }
    return new LayerQuotas(quota, defaultBytes);
  }

  /** No quotas at all (tests without xfs). */
  static LayerQuotas none() {
    return new LayerQuotas(Optional.empty(), 0);
  }

  boolean available() {
    return quota.isPresent();
  }

  /**
   * The quota a new layer gets from its storage options, in bytes (0 for none).
   *
   * @throws InvalidArgumentException for an unknown or malformed option
   * @throws NotSupportedException for a size where project quotas are not available
   */
  long sizeFor(String id, Map<String, String> storageOptions, boolean readWrite) throws IOException {
    long size = 0;
    boolean given = false;
    for (Map.Entry<String, String> e : storageOptions.entrySet()) {
      String key = e.getKey().trim().toLowerCase(Locale.ROOT);
      if (!key.equals("size")) {
        throw new InvalidArgumentException("create layer " + id + ": unknown storage option \""
            + e.getKey() + "\" (overlay2 knows only size)");
      }
      try {
        size = Sizes.parseRamBytes(e.getValue());
      } catch (IllegalArgumentException bad) {
        throw new InvalidArgumentException("create layer " + id + ": storage option size="
            + e.getValue() + ": " + bad.getMessage());
      }
      given = true;
    }
    if (!given && readWrite) {
      size = defaultBytes;
    }
    if ((given || size > 0) && quota.isEmpty()) {
      throw new NotSupportedException("create layer " + id + ": " + UNSUPPORTED);
    }
    return size;
  }

  /** Limits {@code dir} (still empty) to {@code bytes}. */
  void apply(Path dir, long bytes) throws IOException {
    quota.orElseThrow(() -> new NotSupportedException(UNSUPPORTED)).setQuota(dir, bytes);
  }
}
