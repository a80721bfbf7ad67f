package org.unionfs.driver.devicemapper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One mount of a thin device's filesystem, described as data: mount(2)'s source, target, type, flags and
 * data string, built from moby's {@code MountDevice} rules by {@link #describe}.
 *
 * @param source the loop device ({@code /dev/loopN})
 * @param target the mount point
 * @param type "ext4" or "xfs"
 * @param flags mount(2) flags ({@code MS_*}) from the options that are flags
 * @param data the other options joined with ','
 */
record DeviceMount(String source, Path target, String type, long flags, String data) {
  static final long MS_RDONLY = 1;
  static final long MS_NOSUID = 2;
  static final long MS_NODEV = 4;
  static final long MS_NOEXEC = 8;
  static final long MS_SYNCHRONOUS = 16;
  static final long MS_MANDLOCK = 64;
  static final long MS_DIRSYNC = 128;
  static final long MS_NOATIME = 1024;
  static final long MS_NODIRATIME = 2048;
  static final long MS_RELATIME = 1L << 21;
  static final long MS_STRICTATIME = 1L << 24;
  static final long MS_LAZYTIME = 1L << 25;

  /** moby's (moby/sys/mount) option table: name to (clear instead of set, flag). */
  private record Flag(boolean clear, long flag) {}

  private static final Map<String, Flag> FLAGS = Map.ofEntries(
      Map.entry("defaults", new Flag(false, 0)),
      Map.entry("ro", new Flag(false, MS_RDONLY)), Map.entry("rw", new Flag(true, MS_RDONLY)),
      Map.entry("nosuid", new Flag(false, MS_NOSUID)), Map.entry("suid", new Flag(true, MS_NOSUID)),
      Map.entry("nodev", new Flag(false, MS_NODEV)), Map.entry("dev", new Flag(true, MS_NODEV)),
      Map.entry("noexec", new Flag(false, MS_NOEXEC)), Map.entry("exec", new Flag(true, MS_NOEXEC)),
      Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)), Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
      Map.entry("dirsync", new Flag(false, MS_DIRSYNC)),
      Map.entry("mand", new Flag(false, MS_MANDLOCK)), Map.entry("nomand", new Flag(true, MS_MANDLOCK)),
      Map.entry("noatime", new Flag(false, MS_NOATIME)), Map.entry("atime", new Flag(true, MS_NOATIME)),
      Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
      Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
      Map.entry("relatime", new Flag(false, MS_RELATIME)), Map.entry("norelatime", new Flag(true, MS_RELATIME)),
      Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
      Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)),
      Map.entry("lazytime", new Flag(false, MS_LAZYTIME)), Map.entry("nolazytime", new Flag(true, MS_LAZYTIME)));

  DeviceMount {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    if (!target.isAbsolute()) {
      throw new IllegalArgumentException("mount target must be absolute: " + target);
    }
  }

  /**
   * The mount of a device as moby's {@code MountDevice}: {@code nouuid} first for xfs (every snapshot
   * carries the base's UUID), then {@code dm.mountopt}, then {@code context="<label>"} for a mount label;
   * options that are mount(2) flags become flags (moby's {@code parseOptions}), the rest data.
   */
  static DeviceMount describe(String filesystem, Path loop, Path target, List<String> mountOptions,
      String mountLabel) {
    List<String> options = new ArrayList<>();
    if (filesystem.equals("xfs")) {
      options.add("nouuid");
    }
    options.addAll(mountOptions);
    if (mountLabel != null && !mountLabel.isEmpty()) {
      options.add("context=\"" + mountLabel + "\"");
    }
    long flags = 0;
    List<String> data = new ArrayList<>();
    for (String o : options) {
      Flag f = FLAGS.get(o);
      if (f == null) {
        data.add(o);
      } else if (f.clear()) {
        flags &= ~f.flag();
      } else {
        flags |= f.flag();
      }
    }
    return new DeviceMount(loop.toString(), target, filesystem, flags, String.join(",", data));
  }
}
