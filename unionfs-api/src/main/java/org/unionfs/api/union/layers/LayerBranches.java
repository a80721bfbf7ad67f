package org.unionfs.api.union.layers;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.union.UnionConfig;

/**
 * What a graphdriver's layer is made of, as union branches: the hook through which {@code fuse-mount
 * --driver NAME --home DIR --layer ID} mounts a layer of any driver, and {@code unionfs-nio}'s
 * {@code UnionFileSystems.openLayer} opens one in-process. Reads the driver's on-disk layout
 * only; never mounts or writes.
 */
public interface LayerBranches {
  /** The driver's name as Docker spells it ("vfs", "overlay2", "aufs"). */
  String driver();

  /**
   * The branches of layer {@code id} under the driver home {@code home}: the layer's own directory
   * read-write on top, its parents' read-only below (top first), with the whiteout format the driver
   * writes.
   *
   * @throws org.unionfs.api.error.LayerNotFoundException if the layer does not exist
   * @throws org.unionfs.api.error.LayerCorruptException if its metadata cannot be read
   */
  UnionConfig branches(Path home, String id) throws IOException;

  /** The implementation for {@code driver}. */
  static LayerBranches forDriver(String driver) {
    return switch (driver) {
      case "vfs" -> new VfsBranches();
      case "overlay2" -> new Overlay2Branches();
      case "aufs" -> new AufsBranches();
      default -> throw new IllegalArgumentException("unknown driver '" + driver
          + "': vfs, overlay2 or aufs (devicemapper layers are block devices, not directories)");
    };
  }
}
