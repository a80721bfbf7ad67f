package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's rule for drivers whose {@code get} makes a kernel mount (overlay2): the mount outlives
 * {@code unionfs get}, survives other commands on the same home, and the {@code put} that balances the
 * last {@code get} unmounts it. Runs against every supported driver whose {@code get} returns a mount
 * point; skipped, with the reason, where there is none (no root, no overlayfs).
 */
class KernelMountGetPutIT {
  @TempDir
  Path work;

  private static Shell.Result unionfs(Path home, String driver, String... args)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(System.getProperty("unionfs.launcher"), "--home", home.toString()));
    if (driver != null) {
      argv.addAll(List.of("--driver", driver));
    }
    argv.addAll(List.of(args));
    return Shell.run(argv, Map.of("UNIONFS_JAR", System.getProperty("unionfs.jar")), null, null, 300);
  }

  private static String ok(Path home, String driver, String... args) throws IOException, InterruptedException {
    Shell.Result r = unionfs(home, driver, args);
    assertThat(r.exit()).as("unionfs --driver %s %s: %s", driver, String.join(" ", args), r.stderr()).isZero();
    return r.stdout();
  }

  @Test
  void kernelMount_outlivesGet_survivesOtherCommands_lastPutUnmounts() throws Exception {
    assumeTrue(Homes.isRoot(), "needs root to mount");
    List<String> tested = new ArrayList<>();
    for (String line : ok(work.resolve("probe"), null, "drivers").split("\n")) {
      if (!line.contains(": supported")) {
        continue;
      }
      String driver = line.substring(0, line.indexOf(':'));
      if (org.unionfs.api.registry.DriverRegistry.load().provider(driver)
          .map(p -> p.capabilities().contains(org.unionfs.api.DriverCapability.PROCESS_BOUND_MOUNTS))
          .orElse(true)) {
        continue; // its get holds the mount in the foreground (ForegroundGetTest covers that rule)
      }
      Path home = Files.createDirectories(work.resolve(driver));
      ok(home, driver, "create", "base");
      ok(home, driver, "create-rw", "ctr", "--parent", "base");
      Path path = Path.of(ok(home, driver, "get", "ctr").strip());
      if (!Mounts.isMountPoint(path)) {
        ok(home, driver, "put", "ctr"); // a plain directory (vfs): nothing outlives the process
        continue;
      }
      tested.add(driver);
      Files.writeString(path.resolve("written-through-the-mount"), "x");
      assertThat(ok(home, driver, "get", "ctr").strip()).isEqualTo(path.toString());
      ok(home, driver, "exists", "ctr");
      ok(home, driver, "status");
      assertThat(Mounts.isMountPoint(path)).as("%s: the mount survives other commands on the home", driver)
          .isTrue();
      ok(home, driver, "put", "ctr");
      assertThat(Mounts.isMountPoint(path)).as("%s: one get is still not balanced", driver).isTrue();
      ok(home, driver, "put", "ctr");
      assertThat(Mounts.isMountPoint(path)).as("%s: the last put unmounts", driver).isFalse();
      assertThat(ok(home, driver, "changes", "ctr", "--parent", "base")).contains("A /written-through-the-mount");
      ok(home, driver, "remove", "ctr");
    }
    assumeTrue(!tested.isEmpty(), "no driver supported here mounts on get (overlay2 needs root and overlayfs)");
  }
}
