package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.unionfs.api.posix.Posix;

/**
 * moby's overlay2 {@code check.go}: can the diff directory be read as the layer's changes, and does
 * copy-up copy only metadata? Each check builds a tiny overlay in its own directory.
 */
final class NativeDiffCheck {
  private NativeDiffCheck() {}

  /**
   * The outcome of the native-diff check.
   *
   * @param reason "" when native diff is safe, else why not
   * @param redirectDir whether a lower directory could be renamed through the mount
   */
  record Result(String reason, boolean redirectDir) {
    static Result ok() {
      return new Result("", false);
    }

    static Result no(String reason) {
      return new Result(reason, false);
    }
  }

  /**
   * moby {@code doesSupportNativeDiff}: an opaque directory copied up must not stay opaque (kernels
   * before 4.8), and renaming a lower directory must fail with EXDEV rather than leave a
   * {@code overlay.redirect} (CONFIG_OVERLAY_FS_REDIRECT_DIR / redirect_dir=on).
   *
   * @return whether native diff is safe, and if not why
   */
  static Result run(Path dir, Posix posix, boolean userxattr) throws IOException {
    String prefix = userxattr ? "user.overlay." : "trusted.overlay.";
    Path l1 = dir.resolve("l1");
    Path l2 = dir.resolve("l2");
    Path l3 = dir.resolve("l3");
    Path work = dir.resolve("work");
    Path merged = dir.resolve("merged");
    Files.createDirectories(l1.resolve("d"));
    Files.createDirectories(l1.resolve("d1"));
    Files.createDirectories(l2.resolve("d"));
    for (Path p : new Path[] {l3, work, merged}) {
      Files.createDirectories(p);
    }
    posix.setXattr(l2.resolve("d"), prefix + "opaque", "y".getBytes(StandardCharsets.US_ASCII));
    String data = (userxattr ? "userxattr," : "") + "lowerdir=" + l2 + ":" + l1 + ",upperdir=" + l3
        + ",workdir=" + work;
    try {
      posix.mount("overlay", merged, "overlay", 0, data);
    } catch (IOException e) {
      return Result.no("failed to mount overlay: " + e.getMessage());
    }
    try {
      Files.write(merged.resolve("d").resolve("f"), new byte[0]);
      Optional<byte[]> opaque = posix.getXattr(l3.resolve("d"), prefix + "opaque");
      if (opaque.isPresent() && new String(opaque.get(), StandardCharsets.US_ASCII).equals("y")) {
        return Result.no("opaque flag erroneously copied up, consider update to kernel 4.8 or later to fix");
      }
      int errno = HostCalls.get().rename(merged.resolve("d1"), merged.resolve("d2"));
      if (errno == Posix.EXDEV) {
        return Result.ok();
      }
      if (errno != 0) {
        return Result.no("failed to rename dir in merged directory: " + posix.strerror(errno));
      }
      Optional<byte[]> redirect = posix.getXattr(l3.resolve("d2"), prefix + "redirect");
      if (redirect.isPresent()) {
        return new Result("kernel has CONFIG_OVERLAY_FS_REDIRECT_DIR enabled", true);
      }
      return new Result("", true);
    } finally {
      posix.umount2(merged, 0);
    }
  }

  /**
   * moby {@code usingMetacopy}: chmod a lower file through the mount and look for
   * {@code overlay.metacopy} on the copy in the upper directory.
   */
  static boolean usingMetacopy(Path dir, Posix posix, boolean userxattr) throws IOException {
    Path l1 = dir.resolve("l1");
    Path l2 = dir.resolve("l2");
    Path work = dir.resolve("work");
    Path merged = dir.resolve("merged");
    for (Path p : new Path[] {l1, l2, work, merged}) {
      Files.createDirectories(p);
    }
    Files.write(l1.resolve("f"), new byte[0]);
    Files.setPosixFilePermissions(l1.resolve("f"), PosixFilePermissions.fromString("rwx------"));
    String data = (userxattr ? "userxattr," : "") + "lowerdir=" + l1 + ",upperdir=" + l2 + ",workdir="
        + work;
    posix.mount("overlay", merged, "overlay", 0, data);
    try {
      Files.setPosixFilePermissions(merged.resolve("f"), PosixFilePermissions.fromString("rw-------"));
      return posix.getXattr(l2.resolve("f"), (userxattr ? "user" : "trusted") + ".overlay.metacopy")
          .isPresent();
    } finally {
      posix.umount2(merged, 0);
    }
  }
}
