package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;

/**
 * A chain of layers built one on top of the other while the same fixtures are applied to a plain
 * directory (the flat oracle), as containerd's {@code checkSnapshots}: after every step the layer's
 * view must equal the oracle. Layers alternate between read-write ({@code createReadWrite}) and image
 * ({@code create}) layers, and are always written through the path {@code get} returns.
 *
 * <p>With diffs checked, every layer's {@code changes} must equal {@link ExpectedChanges#between} of
 * the oracle before and after, {@code diffSize} must equal the bytes the diff carries, and the diff
 * applied to a fresh child of the parent must give {@link ExpectedChanges#roundTrip}, with
 * {@code applyDiff} returning the same size.
 */
public final class LayerChain {
  /** Mutates the oracle and returns the fixture that replays the mutation on the layer. */
  @FunctionalInterface
  public interface Mutation {
    Fixture apply(Path oracle, Fixture.Clock clock) throws IOException;
  }

  private final GraphDriver driver;
  private final Path oracle;
  private final String prefix;
  private final boolean checkDiffs;
  private final List<String> ids = new ArrayList<>();
  private final List<TreeManifest> manifests = new ArrayList<>();

  /**
   * @param work a scratch directory; the oracle is created in it
   * @param prefix layer ids are {@code <prefix>-<n>}
   * @param checkDiffs whether to check changes, diffSize and the diff round trip of every layer
   */
  public LayerChain(GraphDriver driver, Path work, String prefix, boolean checkDiffs)
      throws IOException {
    this.driver = driver;
    this.prefix = prefix;
    this.checkDiffs = checkDiffs;
    this.oracle = Files.createDirectory(work.resolve(prefix + "-flat"));
    // A fresh layer's root is 0755, as moby's CreateEmpty requires.
    FsOp.chmod(oracle, 0755);
  }

  /** The plain directory holding the top layer's expected tree. */
  public Path oracle() {
    return oracle;
  }

  /** The ids of the layers, bottom first. */
  public List<String> ids() {
    return List.copyOf(ids);
  }

  /** The top layer's id, or null before the first. */
  public String top() {
    return ids.isEmpty() ? null : ids.get(ids.size() - 1);
  }

  /** Adds a layer made by a fixed fixture (stamped with the layer's clock unless it has its own). */
  public String add(Fixture fixture) throws IOException {
    return add((dir, clock) -> {
      fixture.applyTo(dir, clock);
      return fixture.clock() != null ? fixture : Fixture.of(fixture.ops()).withClock(clock);
    });
  }

  /** Adds a layer on top of the chain and checks it; returns its id. */
  public String add(Mutation mutation) throws IOException {
    int index = ids.size();
    String parent = top();
    String id = prefix + "-" + index;
    if (index % 2 == 0) {
      driver.createReadWrite(id, parent, CreateOptions.NONE);
    } else {
      driver.create(id, parent, CreateOptions.NONE);
    }
    TreeManifest before = TreeManifest.of(oracle);
    Fixture fixture;
    Path view = driver.get(id, "");
    try {
      TreeAssert.assertTreesEqual(before, TreeManifest.of(view),
          "layer " + id + " (new child of " + parent + ") before any change");
      fixture = mutation.apply(oracle, Fixture.Clock.forLayer(index));
      fixture.applyTo(view);
      TreeAssert.assertTreesEqual(TreeManifest.of(oracle), TreeManifest.of(view),
          "layer " + id + " after " + fixture);
    } finally {
      driver.put(id);
    }
    TreeManifest expected = TreeManifest.of(oracle);
    try (var m = driver.mount(id, "")) {
      TreeAssert.assertTreesEqual(expected, TreeManifest.of(m.path()),
          "layer " + id + " after put and a new get");
    }
    if (checkDiffs) {
      checkDiff(id, parent, parent == null ? TreeManifest.empty() : before, expected, fixture);
    }
    ids.add(id);
    manifests.add(expected);
    return id;
  }

  /**
   * Checks changes, diffSize and the diff round trip of the top layer against an older layer of the
   * chain (not its direct parent), which drivers with native diffs must compute the naive way.
   */
  public void checkDiffAgainst(int ancestor) throws IOException {
    int top = ids.size() - 1;
    checkDiff(ids.get(top), ids.get(ancestor), manifests.get(ancestor), manifests.get(top),
        "the layers between " + ids.get(ancestor) + " and " + ids.get(top));
  }

  private void checkDiff(String id, String parent, TreeManifest parentTree, TreeManifest tree,
      Object fixture) throws IOException {
    List<Change> expected = ExpectedChanges.between(parentTree, tree);
    assertThat(driver.changes(id, parent))
        .as("changes(%s, %s) after %s", id, parent, fixture)
        .containsExactlyElementsOf(expected);
    long size = ExpectedChanges.size(tree, expected);
    assertThat(driver.diffSize(id, parent)).as("diffSize(%s, %s)", id, parent).isEqualTo(size);

    byte[] tar;
    try (InputStream in = driver.diff(id, parent)) {
      tar = in.readAllBytes();
    }
    String copy = id + "-roundtrip";
    driver.create(copy, parent, CreateOptions.NONE);
    long applied = driver.applyDiff(copy, parent, new ByteArrayInputStream(tar));
    assertThat(applied).as("applyDiff(%s, %s) of diff(%s, %s)", copy, parent, id, parent)
        .isEqualTo(size);
    try (var m = driver.mount(copy, "")) {
      TreeAssert.assertTreesEqual(ExpectedChanges.roundTrip(parentTree, tree, expected),
          TreeManifest.of(m.path()),
          "diff(" + id + ", " + parent + ") applied to a fresh child of " + parent
              + "; changes " + expected);
    }
    driver.remove(copy);
  }

  private LayerChain(LayerChain other, GraphDriver driver) {
    this.driver = driver;
    this.prefix = other.prefix;
    this.checkDiffs = other.checkDiffs;
    this.oracle = other.oracle;
    this.ids.addAll(other.ids);
    this.manifests.addAll(other.manifests);
  }

  /** The same chain seen through another driver instance on the same home (after a reopen). */
  public LayerChain rebind(GraphDriver other) {
    return new LayerChain(this, other);
  }

  /** Every layer of the chain still shows the tree it had when it was made. */
  public void verifyAll() throws IOException {
    for (int i = 0; i < ids.size(); i++) {
      try (var m = driver.mount(ids.get(i), "")) {
        TreeAssert.assertTreesEqual(manifests.get(i), TreeManifest.of(m.path()),
            "layer " + ids.get(i) + " re-read after the layers above it were made");
      }
    }
  }

  /** Removes every layer, top first; each removal must succeed. */
  public void removeAll() throws IOException {
    for (int i = ids.size() - 1; i >= 0; i--) {
      driver.remove(ids.get(i));
      assertThat(driver.exists(ids.get(i))).as("exists(%s) after remove", ids.get(i)).isFalse();
    }
    ids.clear();
    manifests.clear();
  }
}
