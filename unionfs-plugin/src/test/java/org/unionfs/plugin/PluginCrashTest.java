package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.plugin.PluginFixture.baseTar;
import static org.unionfs.plugin.PluginFixture.id;
import static org.unionfs.plugin.PluginFixture.idParent;
import static org.unionfs.plugin.PluginFixture.init;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.unionfs.plugin.RawHttp.Reply;

/**
 * A server killed with SIGKILL (no clean stop: its kernel mounts stay, its FUSE mounts are dead) is
 * replaced by a new one, which clears what the dead one left and takes dockerd's references again.
 */
class PluginCrashTest {
  @TempDir Path dir;

  private static Reply ok(RawHttp http, String method, String body) throws IOException {
    Reply r = http.post("/GraphDriver." + method, body);
    assertThat(r.status()).as(method + " " + r.text()).isEqualTo(200);
    return r;
  }

  private static boolean mounted(String path) throws IOException {
    return Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + path + " ");
  }

  @ParameterizedTest
  @FieldSource("org.unionfs.plugin.PluginFixture#DRIVERS")
  void aKilledServersReferencesAreTakenAgainByTheNextOne(String driver) throws Exception {
    String why = PluginFixture.unsupported(driver, dir);
    Assumptions.assumeTrue(why == null, why);
    PluginServerConfig config = PluginFixture.config(driver, dir);
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        "org.unionfs.plugin.PluginServer", "--driver", driver, "--socket", config.socket().toString(),
        "--state-file", config.stateFile().toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    String ctrDir;
    try {
      for (int i = 0; i < 300 && !Files.exists(config.socket()); i++) {
        assertThat(child.isAlive()).as("child server exited: %s", Files.readString(log)).isTrue();
        Thread.sleep(50);
      }
      RawHttp http = RawHttp.unix(config.socket());
      ok(http, "Init", init(dir.resolve("root/unionfs-" + driver)));
      ok(http, "Create", id("base"));
      assertThat(http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar()).status())
          .isEqualTo(200);
      ok(http, "CreateReadWrite", idParent("ctr", "base"));
      ctrDir = ok(http, "Get", id("ctr")).json().get("Dir").asText();
      Files.writeString(Path.of(ctrDir, "written"), "by the dead server\n");
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    boolean mounts = !driver.equals("vfs");
    assertThat(mounted(ctrDir)).as("the dead server's mount is left behind").isEqualTo(mounts);

    try (PluginServer next = PluginServer.start(config)) {
      assertThat(mounted(ctrDir)).isEqualTo(mounts);
      assertThat(Files.readString(Path.of(ctrDir, "written"))).as("a live mount again, not the dead one")
          .isEqualTo("by the dead server\n");
      assertThat(Files.readString(Path.of(ctrDir, "etc/hostname"))).isEqualTo("base\n");
      long count = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .filter(l -> l.contains(" " + ctrDir + " ")).count();
      assertThat(count).as("mounted once, not stacked on the dead mount").isEqualTo(mounts ? 1 : 0);
      RawHttp http = RawHttp.unix(config.socket());
      ok(http, "Put", id("ctr"));
      assertThat(mounted(ctrDir)).isFalse();
      ok(http, "Remove", id("ctr"));
      ok(http, "Remove", id("base"));
      ok(http, "Cleanup", "{}");
    }
  }
}
