package org.unionfs.api;

import java.util.Map;
import java.util.Objects;

/**
 * Options of {@link ProtoDriver#create} and {@link ProtoDriver#createReadWrite}, as moby's
 * {@code CreateOpts}.
 *
 * @param mountLabel an SELinux mount label, or "" for none
 * @param storageOptions per-layer storage options ({@code size=50M}); each driver rejects keys it does not know
 */
public record CreateOptions(String mountLabel, Map<String, String> storageOptions) {

  /** No mount label and no storage options. */
  public static final CreateOptions NONE = new CreateOptions("", Map.of());

  public CreateOptions {
    Objects.requireNonNull(mountLabel, "mountLabel");
    storageOptions = Map.copyOf(storageOptions);
  }

  public static CreateOptions withStorageOptions(Map<String, String> storageOptions) {
    return new CreateOptions("", storageOptions);
  }
}
