package org.unionfs.api.union.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.union.UnionConfig;

class LayerBranchesTest {
  @TempDir
  Path home;

  @Test
  void vfs_isOneReadWriteBranch() throws Exception {
    Files.createDirectories(home.resolve("dir/abc"));
    UnionConfig c = LayerBranches.forDriver("vfs").branches(home, "abc");
    assertThat(c.branches()).containsExactly(UnionConfig.Branch.readWrite(home.resolve("dir/abc")));
    assertThatThrownBy(() -> LayerBranches.forDriver("vfs").branches(home, "nope"))
        .isInstanceOf(LayerNotFoundException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> LayerBranches.forDriver("vfs").branches(home, "../x"))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void overlay2_diffOverLowerLinks_topFirst() throws Exception {
    for (String id : new String[] {"base", "mid", "top"}) {
      Files.createDirectories(home.resolve(id).resolve("diff"));
    }
    Files.createDirectories(home.resolve("l"));
    Files.createSymbolicLink(home.resolve("l/AAAA"), Path.of("../base/diff"));
    Files.createSymbolicLink(home.resolve("l/BBBB"), Path.of("../mid/diff"));
    Files.writeString(home.resolve("top/lower"), "l/BBBB:l/AAAA");
    UnionConfig c = LayerBranches.forDriver("overlay2").branches(home, "top");
    assertThat(c.branches()).containsExactly(UnionConfig.Branch.readWrite(home.resolve("top/diff")),
        UnionConfig.Branch.readOnly(home.resolve("mid/diff").toRealPath()),
        UnionConfig.Branch.readOnly(home.resolve("base/diff").toRealPath()));
    assertThat(c.whiteoutFormat()).isEqualTo(UnionConfig.WhiteoutFormat.OVERLAY);
    assertThat(LayerBranches.forDriver("overlay2").branches(home, "base").branches()).hasSize(1);
    Files.writeString(home.resolve("mid/lower"), "l/GONE");
    assertThatThrownBy(() -> LayerBranches.forDriver("overlay2").branches(home, "mid"))
        .isInstanceOf(LayerCorruptException.class).hasMessageContaining("l/GONE");
  }

  @Test
  void aufs_diffOverParentsFromLayersFile() throws Exception {
    for (String id : new String[] {"base", "mid", "top"}) {
      Files.createDirectories(home.resolve("diff").resolve(id));
    }
    Files.createDirectories(home.resolve("layers"));
    Files.writeString(home.resolve("layers/top"), "mid\nbase\n");
    UnionConfig c = LayerBranches.forDriver("aufs").branches(home, "top");
    assertThat(c.branches()).containsExactly(UnionConfig.Branch.readWrite(home.resolve("diff/top")),
        UnionConfig.Branch.readOnly(home.resolve("diff/mid")), UnionConfig.Branch.readOnly(home.resolve("diff/base")));
    assertThat(c.whiteoutFormat()).isEqualTo(UnionConfig.WhiteoutFormat.AUFS);
    Files.writeString(home.resolve("layers/mid"), "missing\n");
    assertThatThrownBy(() -> LayerBranches.forDriver("aufs").branches(home, "mid"))
        .isInstanceOf(LayerCorruptException.class).hasMessageContaining("missing");
  }

  @Test
  void unknownDriver_isRejectedNamingIt() {
    assertThatThrownBy(() -> LayerBranches.forDriver("zfs")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown driver 'zfs'");
  }
}
