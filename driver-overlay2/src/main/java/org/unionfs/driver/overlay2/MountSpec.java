package org.unionfs.driver.overlay2;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One mount, described as data: {@code mount -t <type> <source> -o <options> <target>}.
 *
 * @param type the filesystem type ("overlay")
 * @param source the source ("overlay")
 * @param target where to mount: absolute, or relative to {@code relativeTo}
 * @param options the mount options, in order (joined with ',' they form mount(2)'s data)
 * @param relativeTo null when every path in the options is absolute; otherwise the directory the
 *     relative paths (and a relative target) are resolved from, which must be the working directory of
 *     whatever performs the mount
 */
record MountSpec(String type, String source, Path target, List<String> options, Path relativeTo) {

  MountSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    options = List.copyOf(options);
    for (String o : options) {
      if (o.isEmpty()) {
        throw new IllegalArgumentException("empty mount option in " + options);
      }
    }
    if (relativeTo == null && !target.isAbsolute()) {
      throw new IllegalArgumentException("relative target " + target + " without relativeTo");
    }
    if (relativeTo != null && !relativeTo.isAbsolute()) {
      throw new IllegalArgumentException("relativeTo must be absolute: " + relativeTo);
    }
  }

  /** mount(2)'s data argument: the options joined with ','. */
  String data() {
    return String.join(",", options);
  }

  /** The absolute mount point. */
  Path absoluteTarget() {
    return relativeTo == null ? target : relativeTo.resolve(target);
  }

  /** Whether the layer is mounted read-only (only lower directories). */
  boolean readOnly() {
    return options.stream().noneMatch(o -> o.startsWith("upperdir="));
  }
}
