package org.unionfs.driver.aufs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.spi.DriverContext;

/**
 * kill -9 of a child JVM during a mounted session and during a remove, then reopening the home: stale
 * FUSE mounts are cleared, layers are whole or gone, no scratch directory is left.
 */
class AufsRecoveryTest {
  @TempDir
  Path tmp;
  Path home;

  @BeforeEach
  void setUp() {
    AufsHost.assumeFuseAndRoot();
    home = tmp.resolve("aufs");
  }

  private AufsDriver open() throws IOException {
    return (AufsDriver) new AufsDriverProvider().open(DriverContext.of(home));
  }

  /** Starts the child, waits for {@code line} on its output, then kills it with SIGKILL. */
  private void runAndKill(String line, String... args) throws Exception {
    kill(start(line, args));
  }

  private static void kill(Process child) throws InterruptedException {
    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close()
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  /** Starts the child and waits for {@code line} on its output; the child keeps running. */
  private Process start(String line, String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-cp",
        System.getProperty("java.class.path"), CrashChild.class.getName()));
    cmd.addAll(List.of(args));
    Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String l;
      do {
        l = out.readLine();
      } while (l != null && !l.equals(line));
      assertThat(l).as("the child printed %s", line).isEqualTo(line);
      return child;
    } catch (RuntimeException | Error e) {
      kill(child);
      throw e;
    }
  }

  @Test
  void sharedMounts_liveMountsOfAnotherProcessStay_deadOnesCleared() throws Exception {
    Process child = start("READY", "mount", home.toString());
    try {
      try (GraphDriver d = new AufsDriverProvider().open(new DriverContext(home, Map.of(), true))) {
        assertThat(AufsMounts.mountPointsUnder(home)).as("live mounts of the other process stay")
            .containsExactlyInAnyOrder(home.resolve("mnt/ctr"), home.resolve("mnt/img"));
        assertThatThrownBy(() -> d.remove("ctr")).isInstanceOf(LayerInUseException.class)
            .hasMessageContaining("another process");
        assertThat(home.resolve("mnt/ctr/written-before-crash.txt")).hasContent("kept");
      }
    } finally {
      kill(child);
    }
    try (GraphDriver d = new AufsDriverProvider().open(new DriverContext(home, Map.of(), true))) {
      assertThat(AufsMounts.mountPointsUnder(home)).as("dead mounts cleared").isEmpty();
      d.remove("ctr");
      assertThat(d.exists("ctr")).isFalse();
    }
  }

  @Test
  void killDuringMountedSession_reopenClearsStaleMounts_layersIntact() throws Exception {
    runAndKill("READY", "mount", home.toString());
    assertThat(AufsMounts.mountPointsUnder(home)).as("dead FUSE mounts left by SIGKILL")
        .containsExactlyInAnyOrder(home.resolve("mnt/ctr"), home.resolve("mnt/img"));
    try (AufsDriver d = open()) {
      assertThat(AufsMounts.mountPointsUnder(home)).as("after reopen").isEmpty();
      assertThat(d.exists("ctr")).isTrue();
      assertThat(home.resolve("diff/ctr/written-before-crash.txt")).hasContent("kept");
      Path v = d.get("ctr", "");
      try {
        assertThat(v.resolve("written-before-crash.txt")).hasContent("kept");
        assertThat(v.resolve("base.txt")).hasContent("base");
        Files.writeString(v.resolve("after.txt"), "after");
      } finally {
        d.put("ctr");
      }
      d.remove("ctr");
      d.remove("img");
      d.remove("base");
      assertThat(children(home.resolve("diff"))).isEmpty();
      assertThat(children(home.resolve("mnt"))).isEmpty();
      assertThat(children(home.resolve("layers"))).isEmpty();
    }
  }

  @Test
  void killDuringRemove_reopen_layerWholeOrGone_noScratchLeft() throws Exception {
    runAndKill("REMOVING", "remove", home.toString(), "20000");
    try (AufsDriver d = open()) {
      if (d.exists("big")) {
        try (Stream<Path> s = Files.walk(home.resolve("diff/big"))) {
          assertThat(s.filter(Files::isRegularFile).count()).as("a layer that still exists is whole")
              .isEqualTo(20000);
        }
        d.remove("big");
      }
      assertThat(d.exists("big")).isFalse();
      assertThat(children(home.resolve("diff"))).isEmpty();
      assertThat(children(home.resolve("mnt"))).isEmpty();
      assertThat(children(home.resolve("layers"))).isEmpty();
      d.create("big", null, CreateOptions.NONE); // the id is usable again
      assertThat(children(home.resolve("diff/big"))).isEmpty();
    }
  }

  @Test
  void interruptedRemove_afterRename_finishedOnOpen() throws IOException {
    try (AufsDriver d = open()) {
      d.create("gone", null, CreateOptions.NONE);
      Files.writeString(d.get("gone", "").resolve("f"), "f");
      d.put("gone");
    }
    // what a crash right after moby's rename leaves: layers/gone and diff/gone-removing
    Files.move(home.resolve("diff/gone"), home.resolve("diff/gone-removing"));
    try (AufsDriver d = open()) {
      assertThat(d.exists("gone")).isFalse();
      assertThat(children(home.resolve("diff"))).isEmpty();
      assertThat(children(home.resolve("mnt"))).isEmpty();
    }
  }

  @Test
  void interruptedCreate_beforeLayersFile_cleanedOnOpen() throws IOException {
    try (AufsDriver d = open()) {
      d.create("keep", null, CreateOptions.NONE);
    }
    Files.createDirectories(home.resolve("diff/half/sub"));
    Files.createDirectories(home.resolve("mnt/half"));
    Files.writeString(home.resolve("layers/.half.tmp-1-1"), "keep\n");
    try (AufsDriver d = open()) {
      assertThat(d.exists("half")).isFalse();
      assertThat(children(home.resolve("diff"))).containsExactly("keep");
      assertThat(children(home.resolve("mnt"))).containsExactly("keep");
      assertThat(children(home.resolve("layers"))).containsExactly("keep");
      d.create("half", "keep", CreateOptions.NONE);
      assertThat(d.exists("half")).isTrue();
    }
  }

  private static List<String> children(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
