package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.plugin.PluginFixture.baseTar;
import static org.unionfs.plugin.PluginFixture.id;
import static org.unionfs.plugin.PluginFixture.idParent;
import static org.unionfs.plugin.PluginFixture.init;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.unionfs.plugin.RawHttp.Reply;

/**
 * dockerd's references survive a restart of the server: for every driver, Gets made before the restart
 * are Put after it with OK, the mount comes back at the same path in between, and the last Put releases
 * it.
 */
class PluginRestartTest {
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

  @ParameterizedTest
  @FieldSource("org.unionfs.plugin.PluginFixture#DRIVERS")
  void getsMadeBeforeARestartArePutAfterIt(String driver) throws IOException {
    String why = PluginFixture.unsupported(driver, dir);
    Assumptions.assumeTrue(why == null, why);
    PluginServerConfig config = PluginFixture.config(driver, dir);
    RawHttp http = RawHttp.unix(config.socket());
    String ctrDir;
    String baseDir;
    boolean mounts;
    try (PluginServer first = PluginServer.start(config)) {
      ok(http, "Init", init(dir.resolve("root/unionfs-" + driver)));
      ok(http, "Create", id("base"));
      assertThat(http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar()).status())
          .isEqualTo(200);
      ok(http, "CreateReadWrite", idParent("ctr", "base"));
      ctrDir = ok(http, "Get", id("ctr")).json().get("Dir").asText();
      assertThat(ok(http, "Get", id("ctr")).json().get("Dir").asText()).as("nested Get").isEqualTo(ctrDir);
      baseDir = ok(http, "Get", id("base")).json().get("Dir").asText();
      Files.writeString(Path.of(ctrDir, "written-before"), "kept\n");
      mounts = mounted(ctrDir);
      assertThat(mounts).as(driver + " mounts a child layer").isEqualTo(!driver.equals("vfs"));
      assertThat(config.referencesFile()).isRegularFile();
    }
    if (mounts) {
      assertThat(mounted(ctrDir)).as("a stopping server releases every mount").isFalse();
    }
    assertThat(config.referencesFile()).as("references kept for the next server").isRegularFile();

    try (PluginServer second = PluginServer.start(config)) {
      // No Init: dockerd does not send it again. The mount is back before the first call.
      assertThat(mounted(ctrDir)).as("re-established at the same path").isEqualTo(mounts);
      assertThat(Files.readString(Path.of(ctrDir, "written-before"))).isEqualTo("kept\n");
      assertThat(Files.readString(Path.of(ctrDir, "etc/hostname"))).isEqualTo("base\n");
      assertThat(Files.readString(Path.of(baseDir, "etc/hostname"))).isEqualTo("base\n");
      RawHttp again = RawHttp.unix(config.socket());
      ok(again, "Put", id("ctr"));
      assertThat(mounted(ctrDir)).as("one reference left").isEqualTo(mounts);
      Reply busy = again.post("/GraphDriver.Remove", id("ctr"));
      assertThat(busy.status()).as("a referenced layer is in use: " + busy.text()).isEqualTo(500);
      ok(again, "Put", id("ctr"));
      assertThat(mounted(ctrDir)).as("the last Put released the mount").isFalse();
      Reply extra = again.post("/GraphDriver.Put", id("ctr"));
      assertThat(extra.status()).as("an unbalanced Put is still refused: " + extra.text()).isEqualTo(500);
      ok(again, "Put", id("base"));
      assertThat(config.referencesFile()).as("no reference left").doesNotExist();
      ok(again, "Remove", id("ctr"));
      ok(again, "Remove", id("base"));
      ok(again, "Cleanup", "{}");
    }
  }

  @ParameterizedTest
  @FieldSource("org.unionfs.plugin.PluginFixture#DRIVERS")
  void aNewDaemonsInitVoidsTheEarlierDaemonsReferences(String driver) throws IOException {
    String why = PluginFixture.unsupported(driver, dir);
    Assumptions.assumeTrue(why == null, why);
    PluginServerConfig config = PluginFixture.config(driver, dir);
    RawHttp http = RawHttp.unix(config.socket());
    Path home = dir.resolve("root/unionfs-" + driver);
    try (PluginServer first = PluginServer.start(config)) {
      ok(http, "Init", init(home));
      ok(http, "Create", id("base"));
      http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar());
      ok(http, "CreateReadWrite", idParent("ctr", "base"));
      ok(http, "Get", id("ctr"));
    }
    try (PluginServer second = PluginServer.start(config)) {
      // dockerd itself restarted (it sends Init): what the old daemon held is not held any more.
      ok(http, "Init", init(home));
      assertThat(config.referencesFile()).doesNotExist();
      assertThat(http.post("/GraphDriver.Put", id("ctr")).status()).isEqualTo(500);
      ok(http, "Remove", id("ctr"));
      ok(http, "Remove", id("base"));
    }
  }

  @ParameterizedTest
  @FieldSource("org.unionfs.plugin.PluginFixture#DRIVERS")
  void cleanupForgetsTheReferences(String driver) throws IOException {
    String why = PluginFixture.unsupported(driver, dir);
    Assumptions.assumeTrue(why == null, why);
    PluginServerConfig config = PluginFixture.config(driver, dir);
    RawHttp http = RawHttp.unix(config.socket());
    try (PluginServer server = PluginServer.start(config)) {
      ok(http, "Init", init(dir.resolve("root/unionfs-" + driver)));
      ok(http, "Create", id("base"));
      http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar());
      ok(http, "CreateReadWrite", idParent("ctr", "base"));
      String ctrDir = ok(http, "Get", id("ctr")).json().get("Dir").asText();
      ok(http, "Cleanup", "{}");
      assertThat(config.referencesFile()).doesNotExist();
      assertThat(mounted(ctrDir)).isFalse();
    }
    assertThat(config.stateFile()).doesNotExist();
    assertThat(config.referencesFile()).doesNotExist();
  }
}
