package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.Change;
import org.unionfs.api.ChangeKind;
import org.unionfs.api.fs.TreeSnapshot;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Round-trip properties on seeded random trees (devices, fifos, hardlinks, setuid, owners past the ustar
 * limit, long and non-ASCII names, capabilities): diff a mutated child against its parent, apply the diff
 * onto a fresh copy of the parent, and the result is the child, attribute for attribute.
 */
class RoundTripTest {
  @TempDir Path tmp;
  final Posix px = Posix.get();

  @BeforeEach
  void root() {
    assumeTrue(ProcessFacts.EUID == 0, "random trees hold devices and foreign owners: needs root");
  }

  static void cpa(Path from, Path to) throws Exception {
    Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
  }

  /** Whole-second mtimes on every directory below {@code dir} (a tar carries nothing finer). */
  void truncateDirTimes(Path dir) throws Exception {
    FileStat st = px.lstat(dir);
    px.setTimes(dir, st.atimeSec(), 0, st.mtimeSec(), 0);
    try (var ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (px.lstat(p).isDirectory()) {
          truncateDirTimes(p);
        }
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void naiveDiffAppliedOntoTheParentGivesTheChild(long seed) throws Exception {
    RoundTripTrees gen = new RoundTripTrees(seed, false);
    Path parent = Files.createDirectory(tmp.resolve("parent"));
    gen.populate(parent, 60, 3);
    Path child = tmp.resolve("child");
    cpa(parent, child);
    gen.mutate(child, 12);
    truncateDirTimes(child);

    List<Change> changes = LayerTar.changes(child, parent);
    byte[] tar = diff(child, changes);
    assertThat(diff(child, changes)).as("deterministic").isEqualTo(tar);

    Path applied = tmp.resolve("applied");
    cpa(parent, applied);
    long size = LayerTar.apply(applied, new ByteArrayInputStream(tar), WhiteoutFormat.DELETE);
    assertThat(size).as("changesSize equals what apply returns")
        .isEqualTo(LayerTar.changesSize(child, changes));

    TreeSnapshot want = expected(child, parent, changes);
    TreeSnapshot got = withoutRootTime(LayerApplySupport.snap(applied));
    assertThat(want.differences(got)).isEmpty();
    assertThat(LayerTar.changes(applied, parent)).as("the applied layer has the same changes")
        .isEqualTo(changes);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23, 24, 25, 26})
  void fullTreeExportAppliedOntoAnEmptyLayerGivesTheTree(long seed) throws Exception {
    RoundTripTrees gen = new RoundTripTrees(seed, true);
    Path src = Files.createDirectory(tmp.resolve("src"));
    gen.populate(src, 80, 4);
    truncateDirTimes(src);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerTar.writeTree(src, WhiteoutFormat.DELETE, out);
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    LayerTar.writeTree(src, WhiteoutFormat.DELETE, again);
    assertThat(again.toByteArray()).as("deterministic").isEqualTo(out.toByteArray());

    Path dst = Files.createDirectory(tmp.resolve("dst"));
    long size = LayerTar.apply(dst, new ByteArrayInputStream(out.toByteArray()), WhiteoutFormat.DELETE);
    assertThat(withoutRootTime(LayerApplySupport.snap(src)).differences(
        withoutRootTime(LayerApplySupport.snap(dst)))).isEmpty();
    long regularBytes = LayerTar.treeSize(src);
    assertThat(size).isLessThanOrEqualTo(regularBytes); // treeSize also counts symlink lengths
    assertThat(LayerTar.changes(dst, src)).isEmpty();
  }

  private static byte[] diff(Path layer, List<Change> changes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerTar.writeChanges(layer, changes, out);
    return out.toByteArray();
  }

  /**
   * The child as the applied layer must be: directories without a change of their own keep the parent's
   * mtime (moby ignores directory mtimes); the root's mtime is not part of a layer.
   */
  private static TreeSnapshot expected(Path child, Path parent, List<Change> changes) throws Exception {
    TreeSnapshot c = LayerApplySupport.snap(child);
    TreeSnapshot p = LayerApplySupport.snap(parent);
    Set<String> changed = new HashSet<>();
    for (Change ch : changes) {
      if (ch.kind() != ChangeKind.DELETE) {
        changed.add(ch.path().substring(1));
      }
    }
    Map<String, TreeSnapshot.Entry> out = new TreeMap<>();
    c.entries().forEach((path, e) -> {
      if (!path.isEmpty() && (e.mode() & FileStat.S_IFMT) == FileStat.S_IFDIR && !changed.contains(path)) {
        TreeSnapshot.Entry old = p.entries().get(path);
        e = new TreeSnapshot.Entry(e.mode(), e.uid(), e.gid(), e.rdev(), e.size(), e.linkTarget(),
            e.sha256(), e.xattrs(), e.hardlinkOf(), old.mtimeNsec(), e.atimeNsec());
      }
      out.put(path, e);
    });
    return withoutRootTime(new TreeSnapshot(out));
  }

  /** The root's own metadata is not part of a layer diff: compare everything below it. */
  private static TreeSnapshot withoutRootTime(TreeSnapshot s) {
    Map<String, TreeSnapshot.Entry> out = new TreeMap<>(s.entries());
    out.remove("");
    return new TreeSnapshot(out);
  }
}
