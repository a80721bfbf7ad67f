package org.unionfs.nio;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.unionfs.api.LayerIds;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.layers.LayerBranches;

/**
 * Opens unions as {@code java.nio} file systems without a URI: from a {@link UnionConfig}, or from a
 * layer of a graphdriver's home (vfs, overlay2, aufs) with its parents, the way {@code fuse-mount
 * --driver} mounts one, but in this process: no FUSE, no root, no mount.
 *
 * <pre>
 *   try (FileSystem layer = UnionFileSystems.openLayer(Path.of("/var/lib/docker/overlay2"), "overlay2",
 *       "3f4e...", false)) {
 *     String osRelease = Files.readString(layer.getPath("/etc/os-release"));
 *   }
 * </pre>
 *
 * <p>The file systems are registered with the installed provider under a unique name, so
 * {@code path.toUri()} round-trips through {@code Path.of(URI)} while they are open.
 */
public final class UnionFileSystems {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private UnionFileSystems() {}

  /** Opens the union {@code config} under a fresh name {@code /union-<n>}. */
  public static FileSystem open(UnionConfig config) throws IOException {
    Objects.requireNonNull(config, "config");
    return UnionFileSystemProvider.instance().newFileSystem("/union-" + SEQUENCE.incrementAndGet(), config);
  }

  /**
   * Opens layer {@code layerId} of the driver {@code driverName} whose home is {@code driverHome}: the
   * layer's own directory on top (read-write with {@code writable}, else read-only), its parents
   * read-only below, in the whiteout format the driver writes. The layer's directory is locked until
   * the file system is closed (a second union on it, FUSE or NIO, in any process, fails "in use"), so
   * do not open a layer the driver itself has mounted.
   *
   * @throws IllegalArgumentException for an unknown driver (devicemapper layers are block devices)
   * @throws org.unionfs.api.error.InvalidArgumentException for a malformed layer id
   * @throws org.unionfs.api.error.LayerNotFoundException if the layer does not exist
   * @throws org.unionfs.api.error.LayerCorruptException if its parents cannot be read
   */
  public static FileSystem openLayer(Path driverHome, String driverName, String layerId, boolean writable)
      throws IOException {
    Objects.requireNonNull(driverHome, "driverHome");
    Objects.requireNonNull(driverName, "driverName");
    LayerIds.require(layerId);
    UnionConfig config = LayerBranches.forDriver(driverName).branches(driverHome, layerId);
    if (!writable) {
      config = readOnly(config);
    }
    String name = "/layer/" + driverName + "/" + layerId + "/" + SEQUENCE.incrementAndGet();
    return UnionFileSystemProvider.instance().newFileSystem(name, config);
  }

  /** {@code config} with every branch read-only. */
  static UnionConfig readOnly(UnionConfig config) {
    List<UnionConfig.Branch> ro = new ArrayList<>();
    config.branches().forEach(b -> ro.add(UnionConfig.Branch.readOnly(b.path())));
    return new UnionConfig(ro, config.whiteoutFormat(), config.directoryRename(), config.root());
  }
}
