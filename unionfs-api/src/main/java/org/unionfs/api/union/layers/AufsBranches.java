package org.unionfs.api.union.layers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.union.UnionConfig;

/**
 * aufs (moby's layout): the layer's content is {@code <home>/diff/<id>}; {@code <home>/layers/<id>}
 * lists its parents' ids one per line, nearest first. Whiteouts are aufs's ({@code .wh.<name>},
 * {@code .wh..wh..opq}).
 */
final class AufsBranches implements LayerBranches {
  @Override
  public String driver() {
    return "aufs";
  }

  @Override
  public UnionConfig branches(Path home, String id) throws IOException {
    LayerIds.require(id);
    Path diff = home.resolve("diff").resolve(id);
    if (!Files.isDirectory(diff)) {
      throw new LayerNotFoundException("aufs layer " + id + ": no directory " + diff);
    }
    List<UnionConfig.Branch> branches = new ArrayList<>();
    branches.add(UnionConfig.Branch.readWrite(diff));
    Path layers = home.resolve("layers").resolve(id);
    if (Files.exists(layers)) {
      for (String line : Files.readAllLines(layers, StandardCharsets.UTF_8)) {
        String parent = line.trim();
        if (parent.isEmpty()) {
          continue;
        }
        Path p = home.resolve("diff").resolve(LayerIds.require(parent));
        if (!Files.isDirectory(p)) {
          throw new LayerCorruptException("aufs layer " + id + ": parent " + parent + " has no " + p);
        }
        branches.add(UnionConfig.Branch.readOnly(p));
      }
    }
    return new UnionConfig(branches, UnionConfig.WhiteoutFormat.AUFS,
        UnionConfig.DirectoryRename.COPY_UP, UnionConfig.processIsRoot());
  }
}
