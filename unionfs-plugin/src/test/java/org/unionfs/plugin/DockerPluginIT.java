package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plugin under a real dockerd (Debian docker.io 20.10): {@code scripts/docker-plugin-e2e.sh} for vfs and
 * overlay2, each compared with dockerd's own driver of the same name in the same run. About 2.5 minutes
 * here (two drivers, four daemons, a plugin restart each), hence a failsafe IT.
 *
 * <p>Known differences of the overlay2 driver (not of the plugin) from Docker 20.10's overlay2 are allowed
 * by name and still printed: the whiteout mode in committed layer tars, and the extra "Using metacopy"
 * status pair.
 */
class DockerPluginIT {
  private static final List<String> ALLOWED = List.of("overlay2:save-listing", "overlay2:info-status");

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void dockerdRunsOnTheUnionfsPluginAsOnItsOwnDrivers() throws IOException, InterruptedException {
    Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux"), "dockerd needs Linux");
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "dockerd needs root");
    Path script = Path.of("..", "scripts", "docker-plugin-e2e.sh").toAbsolutePath().normalize();
    assertThat(script).isExecutable();
    String classPath = System.getProperty("java.class.path");
    assertThat(classPath).contains("jetty-server").contains("driver-vfs").contains("driver-overlay2");
    Path log = Files.createTempFile("docker-plugin-e2e", ".log");
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "vfs", "overlay2")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("UNIONFS_PLUGIN_CP", classPath);
    pb.environment().put("E2E_ALLOW", String.join(" ", ALLOWED));
    pb.environment().put("LC_ALL", "C.UTF-8");
    Process p = pb.start();
    boolean done = p.waitFor(14, TimeUnit.MINUTES);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(out);
    Files.delete(log);
    assertThat(done).as("script finished").isTrue();
    assertThat(out).doesNotContain("FAIL ");
    assertThat(p.exitValue()).as("script exit status").isZero();
    for (String driver : List.of("vfs", "overlay2")) {
      for (String check : List.of("diff equals", "run2 equals", "save-base-sha equals", "run3 equals",
          "export-listing equals", "history-created-by equals", "parallel equals",
          "docker info shows the driver's status pairs", "import during a plugin restart succeeded",
          "SIGTERM removed the socket", "SIGTERM left no mount")) {
        assertThat(out).contains("PASS " + driver + ": " + check);
      }
    }
  }
}
