package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.driver.devicemapper.pool.PoolVerifier;

/**
 * kill -9 of a process using the driver (root): with a layer mounted, and at a random point of a loop of
 * creates (some grown), writes and removes. The reopened home is consistent: stale mounts, loops and the
 * dead FUSE mount are gone, every layer whose create returned and whose remove did not start is whole,
 * the verifier finds nothing, and the pool works on.
 */
class DevicemapperCrashTest {
  @TempDir Path tmp;
  private Path home;

  @BeforeEach
  void setUp() {
    DmHost.assumeSupported();
    home = tmp.resolve("home");
  }

  /** A test that failed before its reopen leaves the killed child's mounts: the driver's open clears them. */
  @AfterEach
  void clearLeftovers() throws IOException {
    if (home != null && Files.isDirectory(home.resolve("devicemapper"))) {
      reopen().close();
    }
  }

  private Process start(String mode, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        DmKillChild.class.getName(), mode, home.toString())
        .redirectOutput(log.toFile()).redirectError(tmp.resolve(mode + ".err").toFile()).start();
  }

  private static List<String> waitForLine(Process p, Path log, String prefix, long timeoutMs) throws Exception {
    long end = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < end) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
        return lines;
      }
      if (!p.isAlive()) {
        throw new AssertionError("child exited with " + p.exitValue() + " before \"" + prefix + "\"");
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no \"" + prefix + "\" from the child in " + timeoutMs + " ms");
  }

  /**
   * SIGKILL, then a short wait for the exit. A child killed during I/O on its own devices cannot exit by
   * itself (see DyingOwner): the reopen frees it, so the wait may end with the child still there.
   */
  private static void kill9(Process p) throws InterruptedException {
    p.destroyForcibly();
    p.waitFor(5, TimeUnit.SECONDS);
  }

  private static List<String> mountsUnder(Path dir) throws IOException {
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String mp = org.unionfs.driver.devicemapper.activation.KernelMounts.unescape(line.split(" ")[4]);
      if (Path.of(mp).startsWith(dir)) {
        found.add(line);
      }
    }
    return found;
  }

  private static List<String> loopsBackedUnder(Path dir) throws IOException {
    String out = FsTools.run(List.of("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"));
    return out.lines().filter(l -> l.contains(dir.toString())).toList();
  }

  private GraphDriver reopen() throws IOException {
    return new DevicemapperDriverProvider().open(new DriverContext(home, DmHost.SMALL));
  }

  @Test
  void killedWithALayerMounted_reopensConsistent() throws Exception {
    Path log = tmp.resolve("mounted.log");
    Process child = start("mounted", log);
    try {
      waitForLine(child, log, "READY", 180_000);
      assertThat(mountsUnder(home)).as("the child's mounts").hasSizeGreaterThanOrEqualTo(2);
    } finally {
      kill9(child);
    }
    try (GraphDriver d = reopen()) {
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the killed child has exited").isTrue();
      assertThat(mountsUnder(home.resolve("mnt"))).as("filesystems left under mnt/").isEmpty();
      assertThat(loopsBackedUnder(home)).as("loop devices left on the dead FUSE files").isEmpty();
      assertThat(d.exists("a")).isTrue();
      assertThat(d.exists("b")).isTrue();
      Path b = d.get("b", "");
      assertThat(Files.readString(b.resolve("in-b"))).isEqualTo("from b");
      assertThat(Files.readString(b.resolve("in-a"))).isEqualTo("from a");
      Files.writeString(b.resolve("after"), "after the crash");
      d.put("b");
      d.remove("b");
      d.remove("a");
    }
    assertThat(mountsUnder(home)).as("mounts after close").isEmpty();
    assertThat(DmCheck.check(home).problems()).isEmpty();
    assertThat(PoolVerifier.check(new DmLayout(home).poolDir()).problems()).isEmpty();
  }

  @Test
  void killedWhileCreatingAndRemoving_reopensConsistent() throws Exception {
    Path log = tmp.resolve("churn.log");
    Process child = start("churn", log);
    List<String> lines;
    try {
      waitForLine(child, log, "created churn2", 240_000);
      Thread.sleep(200 + new java.util.Random().nextInt(1500));
    } finally {
      kill9(child);
      lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    }
    Set<String> created = new HashSet<>();
    Set<String> removing = new HashSet<>();
    Set<String> removed = new HashSet<>();
    for (String l : lines) {
      String[] w = l.split(" ");
      (w[0].equals("created") ? created : w[0].equals("removing") ? removing : removed).add(w[1]);
    }
    try (GraphDriver d = reopen()) {
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the killed child has exited").isTrue();
      assertThat(mountsUnder(home.resolve("mnt"))).isEmpty();
      assertThat(loopsBackedUnder(home)).isEmpty();
      for (String id : created) {
        if (!removing.contains(id)) {
          assertThat(d.exists(id)).as("layer %s, whose create returned", id).isTrue();
        }
        if (removed.contains(id)) {
          assertThat(d.exists(id)).as("layer %s, whose remove returned", id).isFalse();
        }
      }
      d.createReadWrite("after", "keep", org.unionfs.api.CreateOptions.NONE);
      Path root = d.get("after", "");
      assertThat(Files.readString(root.resolve("kept"))).isEqualTo("kept");
      d.put("after");
    }
    assertThat(DmCheck.check(home).problems()).isEmpty();
    try (GraphDriver d = reopen()) {
      for (String id : List.copyOf(created)) {
        if (d.exists(id) && !id.equals("keep")) {
          Path root = d.get(id, "");
          assertThat(Files.readString(root.resolve("kept"))).as("layer %s", id).isEqualTo("kept");
          d.put(id);
        }
      }
    }
  }
}
