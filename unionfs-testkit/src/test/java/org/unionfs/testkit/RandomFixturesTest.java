package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator and the fixture replay are deterministic: the oracle technique depends on it. */
class RandomFixturesTest {
  @TempDir
  Path tmp;

  private Path dir(String name) throws IOException {
    Path d = Files.createDirectory(tmp.resolve(name));
    FsOp.chmod(d, 0755);
    return d;
  }

  @Test
  void replayOnAnotherDirectory_givesTheSameTree_mtimesIncluded() throws IOException {
    Path oracle = dir("oracle");
    Path replay = dir("replay");
    RandomFixtures random = new RandomFixtures(7, Host.isRoot());
    for (int layer = 0; layer < 5; layer++) {
      Fixture f = random.generate(oracle, 40, Fixture.Clock.forLayer(layer), Set.of());
      assertThat(f.ops()).hasSizeGreaterThanOrEqualTo(40);
      f.applyTo(replay);
      TreeAssert.assertTreesEqual(TreeManifest.of(oracle), TreeManifest.of(replay), "layer " + layer);
    }
    assertThat(TreeManifest.of(oracle).entries()).hasSizeGreaterThan(10);
  }

  @Test
  void sameSeed_sameOperations() throws IOException {
    Fixture a = new RandomFixtures(11, Host.isRoot()).generate(dir("a"), 50, Fixture.Clock.forLayer(0), Set.of());
    Fixture b = new RandomFixtures(11, Host.isRoot()).generate(dir("b"), 50, Fixture.Clock.forLayer(0), Set.of());
    assertThat(b.toString()).isEqualTo(a.toString());
    TreeAssert.assertTreesEqual(TreeManifest.of(tmp.resolve("a")), TreeManifest.of(tmp.resolve("b")), "same seed");
  }

  @Test
  void generatedLayers_coverEveryKindOfEntryAndOperation() throws IOException {
    Path oracle = dir("cover");
    RandomFixtures random = new RandomFixtures(3, Host.isRoot());
    StringBuilder ops = new StringBuilder();
    for (int layer = 0; layer < 8; layer++) {
      ops.append(random.generate(oracle, 30, Fixture.Clock.forLayer(layer), Set.of()));
    }
    assertThat(ops.toString()).contains("WriteFile", "CreateDir", "Append", "RemoveAll", "Rename",
        "Chmod", "SetTimes", "Symlink", "Link", "SetXattr", "Mknod");
    if (Host.isRoot()) {
      assertThat(ops.toString()).contains("Chown", "security.capability");
    }
  }

  @Test
  void unrenamableDirectories_areNeverRenamed() throws IOException {
    Path oracle = dir("lower");
    RandomFixtures random = new RandomFixtures(5, false);
    random.generate(oracle, 30, Fixture.Clock.forLayer(0), Set.of());
    Set<String> lower = new java.util.HashSet<>();
    TreeManifest.of(oracle).entries().values().stream()
        .filter(e -> e.isDirectory() && !e.path().equals("/")).forEach(e -> lower.add(e.path()));
    for (int layer = 1; layer < 6; layer++) {
      Fixture f = random.generate(oracle, 40, Fixture.Clock.forLayer(layer), lower);
      for (FsOp op : f.ops()) {
        if (op instanceof FsOp.Rename r) {
          assertThat(lower).as("renamed %s", r.from()).doesNotContain(r.from());
        }
      }
    }
  }
}
