package org.unionfs.api.union.layers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.union.UnionConfig;

/**
 * vfs: every layer is a full copy in {@code <home>/dir/<id>}, so its union is one read-write branch, a
 * passthrough.
 */
final class VfsBranches implements LayerBranches {
  @Override
  public String driver() {
    return "vfs";
  }

  @Override
  public UnionConfig branches(Path home, String id) throws IOException {
    LayerIds.require(id);
    Path dir = home.resolve("dir").resolve(id);
    if (!Files.isDirectory(dir)) {
      throw new LayerNotFoundException("vfs layer " + id + ": no directory " + dir);
    }
    return UnionConfig.of(dir, List.of());
  }
}
