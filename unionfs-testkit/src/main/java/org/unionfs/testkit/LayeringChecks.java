package org.unionfs.testkit;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.DriverCapability;
import org.unionfs.testkit.TreeManifest.Entry;

/**
 * Layers of seeded random operations, each compared after every step with the same operations applied
 * to a plain directory (containerd's snapshotter suite, with random fixtures): mode, owner, size,
 * content, mtime, symlink target, xattrs and hardlink groups; plus changes, diffSize and the diff
 * round trip of every layer against the oracle's expectations (also of the top against older layers
 * than its parent), and a re-read of every layer (also after the driver is closed and reopened).
 */
public abstract class LayeringChecks extends ConformanceBase {
  private static final int LAYERS = 7;
  private static final int OPS_PER_LAYER = 30;

  protected LayeringChecks(DriverFactory factory) {
    super(factory);
  }

  /** Seven layers of thirty random operations each, per seed; privileged operations as root. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4})
  void randomLayers_matchFlatOracle_withChangesAndDiffRoundTrip(long seed) throws IOException {
    RandomFixtures random = new RandomFixtures(seed, Host.isRoot());
    boolean renameLowerDirs = has(DriverCapability.RENAME_DIRECTORY_FROM_LOWER);
    boolean lowerHardlinksSplit = !has(DriverCapability.HARDLINKS_ACROSS_LAYERS);
    LayerChain chain = new LayerChain(driver, work, "s" + seed, true);
    for (int i = 0; i < LAYERS; i++) {
      chain.add((oracle, clock) -> {
        Set<String> lowerDirs = renameLowerDirs ? Set.of() : directories(TreeManifest.of(oracle));
        return random.generate(oracle, OPS_PER_LAYER, clock, lowerDirs, lowerHardlinksSplit);
      });
    }
    chain.verifyAll();
    chain.checkDiffAgainst(0);
    chain.checkDiffAgainst(LAYERS / 2);
    reopen();
    LayerChain reopened = chain.rebind(driver);
    reopened.verifyAll();
    reopened.removeAll();
  }

  private static Set<String> directories(TreeManifest tree) {
    Set<String> dirs = new HashSet<>();
    for (Entry e : tree.entries().values()) {
      if (e.isDirectory() && !e.path().equals("/")) {
        dirs.add(e.path());
      }
    }
    return dirs;
  }
}
