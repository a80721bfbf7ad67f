package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;
import org.unionfs.api.union.UnionConfig;

/**
 * Registers the devicemapper driver ("devicemapper"): Docker's loop-lvm devicemapper on this project's
 * pure-Java dm-thin pool, each active device shown to the kernel through FUSE and a loop device, diffs
 * computed naively ({@link NaiveDiffDriver}) as in moby.
 */
public final class DevicemapperDriverProvider implements GraphDriverProvider {
  /** The registered name. */
  public static final String NAME = "devicemapper";
  private static final Path DEV_FUSE = Path.of("/dev/fuse");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<DriverCapability> capabilities() {
    return DevicemapperDriver.CAPABILITIES;
  }

  /**
   * Needs valid options, root (loop devices and mounts), {@code /dev/fuse}, {@code losetup},
   * {@code fsfreeze}, and the tools of the chosen filesystem
   * ({@code mkfs.ext4}, {@code tune2fs}, {@code resize2fs}; or {@code mkfs.xfs}, {@code xfs_growfs}).
   * Touches nothing.
   */
  @Override
  public Support probe(DriverContext context) {
    DmOptions options;
    try {
      options = DmOptions.parse(context.options());
    } catch (InvalidArgumentException | NotSupportedException e) {
      return Support.notSupported(e.getMessage());
    }
    if (!UnionConfig.processIsRoot()) {
      return Support.notSupported("devicemapper: needs root (loop devices and filesystem mounts)");
    }
    if (!Files.isReadable(DEV_FUSE) || !Files.isWritable(DEV_FUSE)) {
      return Support.notSupported("devicemapper: " + DEV_FUSE + " is missing or not usable (thin devices "
          + "are shown to the kernel through FUSE)");
    }
    List<String> missing = new ArrayList<>();
    for (String tool : requiredTools(options.filesystem())) {
      if (!FsTools.onPath(tool)) {
        missing.add(tool);
      }
    }
    if (!missing.isEmpty()) {
      return Support.notSupported("devicemapper: missing tools on the PATH: " + String.join(", ", missing)
          + " (Debian: util-linux, " + (options.filesystem().equals("xfs") ? "xfsprogs" : "e2fsprogs") + ")");
    }
    return Support.yes();
  }

  static List<String> requiredTools(String filesystem) {
    List<String> tools = new ArrayList<>(List.of("losetup", "fsfreeze"));
    tools.addAll(filesystem.equals("xfs") ? List.of("mkfs.xfs", "xfs_growfs")
        : List.of("mkfs.ext4", "tune2fs", "resize2fs", "e2fsck"));
    return tools;
  }

  /**
   * Opens the driver. One process has a home at a time (the pool's lock; another gets
   * {@code LayerInUseException}), so {@link DriverContext#sharedMounts()} changes nothing: whatever is
   * mounted under the home when the lock is taken is a leftover of a dead process and is cleared.
   */
  @Override
  public GraphDriver open(DriverContext context) throws IOException {
    return NaiveDiffDriver.wrap(DevicemapperDriver.open(context.home(), context.options()));
  }
}
