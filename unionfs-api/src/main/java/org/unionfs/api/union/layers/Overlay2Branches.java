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
 * overlay2 (moby's layout): the layer's content is {@code <home>/<id>/diff}; {@code <home>/<id>/lower}
 * lists its parents top first as {@code l/<short>:l/<short>...}, each {@code <home>/l/<short>} a
 * symlink to a parent's {@code diff}. The base layer has no {@code lower} file. Whiteouts are
 * overlayfs's (0/0 character devices, {@code trusted.overlay.opaque}).
 */
final class Overlay2Branches implements LayerBranches {
  @Override
  public String driver() {
    return "overlay2";
  }

  @Override
  public UnionConfig branches(Path home, String id) throws IOException {
    LayerIds.require(id);
    Path diff = home.resolve(id).resolve("diff");
    if (!Files.isDirectory(diff)) {
      throw new LayerNotFoundException("overlay2 layer " + id + ": no directory " + diff);
    }
    List<UnionConfig.Branch> branches = new ArrayList<>();
    branches.add(UnionConfig.Branch.readWrite(diff));
    Path lowerFile = home.resolve(id).resolve("lower");
    if (Files.exists(lowerFile)) {
      String lower = Files.readString(lowerFile, StandardCharsets.UTF_8).trim();
      for (String rel : lower.isEmpty() ? new String[0] : lower.split(":")) {
        Path p = home.resolve(rel);
        if (!rel.startsWith("l/") || !Files.isDirectory(p)) {
          throw new LayerCorruptException("overlay2 layer " + id + ": lower entry '" + rel
              + "' is not a link to a layer's diff");
        }
        branches.add(UnionConfig.Branch.readOnly(p.toRealPath()));
      }
    }
    return new UnionConfig(branches, UnionConfig.WhiteoutFormat.OVERLAY,
        UnionConfig.DirectoryRename.COPY_UP, UnionConfig.processIsRoot());
  }
}
