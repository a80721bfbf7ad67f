package org.unionfs.driver.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.driver.vfs.VfsFixtures.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.fs.TreeSnapshot;

/**
 * A process killed with SIGKILL in the middle of a create or a remove: the next open finds the layer
 * either whole or absent, never half there, and cleans up what the dead process left.
 */
class VfsCrashTest {
  @TempDir Path tmp;

  /** The victim: opens the driver and runs one operation, forever if need be ("create" or "remove"). */
  public static void main(String[] args) throws Exception {
    try (GraphDriver d = VfsFixtures.open(Path.of(args[0]))) {
      System.out.println("ready");
      System.out.flush();
      if (args[1].equals("create")) {
        d.create("child", "base", CreateOptions.NONE);
      } else {
        d.remove("base");
      }
      System.out.println("done");
    }
  }

  private Process victim(Path home, String op) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        VfsCrashTest.class.getName(), home.toString(), op))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("victim-" + op + ".log").toFile()).start();
  }

  /** A base layer big enough that copying it takes a while: 2000 files in 20 directories. */
  private static void bigBase(GraphDriver d) throws Exception {
    d.createReadWrite("base", null, CreateOptions.NONE);
    Path root = d.get("base", "");
    for (int i = 0; i < 20; i++) {
      Path dir = Files.createDirectory(root.resolve("d" + i));
      for (int j = 0; j < 100; j++) {
        Files.writeString(dir.resolve("f" + j), "content " + i + "/" + j);
      }
    }
    d.put("base");
  }

  /** Waits until tmp/ holds an entry with at least {@code minEntries} entries below it. */
  private static boolean waitForWork(Path tmpDir, int minEntries, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (var s = Files.walk(tmpDir)) {
        if (s.limit(minEntries + 1).count() > minEntries) {
          return true;
        }
      } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
        // entries come and go while we look
      }
      Thread.sleep(2);
    }
    return false;
  }

  @Test
  void killedMidCreate_leavesNoLayerAndIsCleanedOnOpen() throws Exception {
    Path home = tmp.resolve("vfs");
    TreeSnapshot base;
    try (GraphDriver d = VfsFixtures.open(home)) {
      bigBase(d);
      base = snapshot(home.resolve("dir/base"));
    }
    Process p = victim(home, "create");
    boolean caught = waitForWork(home.resolve("tmp"), 200, p);
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    String out = Files.readString(tmp.resolve("victim-create.log"));
    assertThat(caught).as("the copy was seen in progress; victim said: " + out).isTrue();
    assertThat(out).doesNotContain("done");
    assertThat(Files.list(home.resolve("tmp")).count()).as("the dead process's half copy").isPositive();
    assertThat(home.resolve("dir/child")).doesNotExist();

    try (GraphDriver d = VfsFixtures.open(home)) {
      assertThat(d.exists("child")).isFalse();
      assertThat(Files.list(home.resolve("tmp")).count()).isZero();
      assertThat(home.resolve("meta/child")).doesNotExist();
      assertThat(snapshot(home.resolve("dir/base")).differences(base)).isEmpty();
      d.create("child", "base", CreateOptions.NONE);
      assertThat(base.differences(snapshot(home.resolve("dir/child")))).isEmpty();
    }
  }

  @Test
  void killedMidRemove_leavesTheLayerGoneAndIsCleanedOnOpen() throws Exception {
    Path home = tmp.resolve("vfs");
    try (GraphDriver d = VfsFixtures.open(home)) {
      bigBase(d);
    }
    Process p = victim(home, "remove");
    // the remove renames the layer into tmp/ at once, then deletes it entry by entry
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (Files.exists(home.resolve("dir/base")) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(home.resolve("dir/base")).doesNotExist();
    assertThat(Files.list(home.resolve("tmp")).count())
        .as("killed while deleting: the renamed layer is still in tmp/").isPositive();

    try (GraphDriver d = VfsFixtures.open(home)) {
      assertThat(d.exists("base")).isFalse();
      assertThat(Files.list(home.resolve("tmp")).count()).isZero();
      assertThat(home.resolve("meta/base")).doesNotExist();
      d.create("base", null, CreateOptions.NONE); // the id is free again
    }
  }
}
