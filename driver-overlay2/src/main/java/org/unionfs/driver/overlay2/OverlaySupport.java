package org.unionfs.driver.overlay2;

import java.util.Objects;

/**
 * What the probe found out about this host and this home (moby keeps these in package variables;
 * here they are one immutable value per driver instance).
 *
 * @param backingFs Docker's name of the home's filesystem ("extfs", "xfs", ...)
 * @param supportsDType whether directory entries carry their type (overlayfs misbehaves without it)
 * @param indexOff whether to pass {@code index=off}: the kernel has the {@code index} parameter
 * @param userxattr whether to pass {@code userxattr} (inside a user namespace, kernel 5.11+)
 * @param nativeDiff whether the diff directory can be read as the layer's changes (no opaque copy-up
 *     bug, no redirect_dir)
 * @param nativeDiffReason why native diff is off ("" when on)
 * @param redirectDir whether renaming a lower directory through the mount works (redirect_dir=on),
 *     instead of failing with EXDEV
 * @param usingMetacopy whether copy-up copies only metadata (reported; it also turns native changes off)
 * @param pageSize the limit of mount(2)'s data argument, in bytes
 */
record OverlaySupport(String backingFs, boolean supportsDType, boolean indexOff, boolean userxattr,
    boolean nativeDiff, String nativeDiffReason, boolean redirectDir, boolean usingMetacopy,
    int pageSize) {

  OverlaySupport {
    Objects.requireNonNull(backingFs, "backingFs");
    Objects.requireNonNull(nativeDiffReason, "nativeDiffReason");
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size " + pageSize);
    }
  }

  /** The overlay xattr namespace: {@code user.overlay.} with userxattr, else {@code trusted.overlay.}. */
  String xattrPrefix() {
    return userxattr ? "user.overlay." : "trusted.overlay.";
  }

  /** A typical host: ext4, index parameter present, native diff, 4 KiB pages (for tests). */
  static OverlaySupport typical() {
    return new OverlaySupport("extfs", true, true, false, true, "", false, false, 4096);
  }
}
