package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;

/** A child JVM holding mounts is killed with SIGKILL; opening the driver again cleans up. */
class RecoveryTest {
  @TempDir Path tmp;

  @Test
  void open_afterKill9WithMountsHeld_unmountsStaleMountsAndKeepsLayers() throws Exception {
    Host.assumeOverlay();
    Path home = tmp.resolve("overlay2");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        StaleMountHolder.class.getName(), home.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8));
      String line;
      StringBuilder log = new StringBuilder();
      while ((line = out.readLine()) != null && !line.equals("READY")) {
        log.append(line).append('\n');
      }
      assertThat(line).as("child output:\n%s", log).isEqualTo("READY");
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close()
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).isEqualTo(137);
    List<Path> stale = MountTable.under(MountTable.read(), home);
    assertThat(stale).contains(home.resolve("ctr/merged"), home.resolve("img/merged"));
    // A crash in the middle of a create leaves these behind.
    Files.createDirectories(home.resolve(".creating-half-1234/diff"));
    Files.createSymbolicLink(home.resolve("l/ZZZZZZZZZZZZZZZZZZZZZZZZZZ"), Path.of("../half/diff"));

    try (GraphDriver driver = new Overlay2DriverProvider().open(DriverContext.of(home))) {
      assertThat(MountTable.under(MountTable.read(), home)).isEmpty();
      assertThat(home.resolve("ctr/merged")).doesNotExist();
      assertThat(home.resolve("img/merged")).doesNotExist();
      assertThat(home.resolve(".creating-half-1234")).doesNotExist();
      assertThat(home.resolve("l/ZZZZZZZZZZZZZZZZZZZZZZZZZZ")).doesNotExist();
      assertThat(Overlay2DriverTest.list(home.resolve("l"))).hasSize(3);
      Path view = driver.get("ctr", "");
      try {
        assertThat(Files.readString(view.resolve("written-before-crash.txt"))).isEqualTo("kept");
        assertThat(Files.readString(view.resolve("base.txt"))).isEqualTo("base");
      } finally {
        driver.put("ctr");
      }
      driver.remove("ctr");
      driver.remove("img");
      driver.remove("base");
    }
  }
}
