package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.plugin.PluginFixture.baseTar;
import static org.unionfs.plugin.PluginFixture.id;
import static org.unionfs.plugin.PluginFixture.idParent;
import static org.unionfs.plugin.PluginFixture.init;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
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

  /** Whether {@code path} is at or below a mount point under this test's directory. */
  private boolean mounted(String path) throws IOException {
    return PluginFixture.mountCount(dir, path) > 0;
  }

  private static boolean answers(RawHttp http) {
    try {
      return http.post("/Plugin.Activate", null).status() == 200;
    } catch (IOException notYet) {
      return false;
    }
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
      RawHttp http = RawHttp.unix(config.socket());
      // The socket file appears at bind(), a moment before listen(): wait until it answers.
      for (int i = 0; !answers(http); i++) {
        assertThat(child.isAlive()).as("child server exited: %s", Files.readString(log)).isTrue();
        assertThat(i).as("child server not answering after 15 s").isLessThan(300);
        Thread.sleep(50);
      }
      ok(http, "Init", init(dir.resolve("root/unionfs-" + driver)));
      ok(http, "Create", id("base"));
      assertThat(http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar()).status())
          .isEqualTo(200);
      ok(http, "CreateReadWrite", idParent("ctr", "base"));
      ctrDir = ok(http, "Get", id("ctr")).json().get("Dir").asText();
      // Synced: what a crash may lose of unsynced writes is the filesystem's business (devicemapper's
      // page cache dies with the FUSE device under it), not the references'.
      try (FileChannel ch = FileChannel.open(Path.of(ctrDir, "written"), StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap("by the dead server\n".getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
    } catch (IOException | RuntimeException | AssertionError e) {
      throw new AssertionError("child server log:\n" + Files.readString(log), e);
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
      assertThat(PluginFixture.mountCount(dir, ctrDir)).as("mounted once, not stacked on the dead mount")
          .isEqualTo(mounts ? 1 : 0);
      RawHttp http = RawHttp.unix(config.socket());
      ok(http, "Put", id("ctr"));
      assertThat(mounted(ctrDir)).isFalse();
      ok(http, "Remove", id("ctr"));
      ok(http, "Remove", id("base"));
      ok(http, "Cleanup", "{}");
    }
  }
}
