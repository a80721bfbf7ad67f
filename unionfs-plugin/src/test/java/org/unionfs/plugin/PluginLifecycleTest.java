package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.plugin.PluginFixture.baseTar;
import static org.unionfs.plugin.PluginFixture.id;
import static org.unionfs.plugin.PluginFixture.idParent;
import static org.unionfs.plugin.PluginFixture.init;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.plugin.RawHttp.Reply;

/** Server lifecycle: restart under a running daemon, Cleanup, sockets and spec files, concurrency. */
class PluginLifecycleTest {
  @TempDir Path dir;

  private static Reply ok(RawHttp http, String method, String body) throws IOException {
    Reply r = http.post("/GraphDriver." + method, body);
    assertThat(r.status()).as(method + " " + r.text()).isEqualTo(200);
    return r;
  }

  @Test
  void aRestartedServerResumesWithoutInitAndCleanupForgetsTheInit() throws IOException {
    PluginServerConfig config = PluginFixture.config("vfs", dir);
    RawHttp http = RawHttp.unix(config.socket());
    String rootfs;
    try (PluginServer first = PluginServer.start(config)) {
      ok(http, "Init", init(dir.resolve("root/unionfs-vfs")));
      ok(http, "Create", id("base"));
      assertThat(http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar()).status())
          .isEqualTo(200);
      rootfs = ok(http, "Get", id("base")).json().get("Dir").asText();
    }
    assertThat(Files.exists(config.socket())).as("socket removed at stop").isFalse();
    assertThat(Files.isRegularFile(config.stateFile())).as("Init kept for a restart").isTrue();
    assertThatThrownBy(() -> http.post("/Plugin.Activate", null)).isInstanceOf(IOException.class);

    try (PluginServer second = PluginServer.start(config)) {
      // dockerd retries the failed call and goes on, without Activate or Init.
      assertThat(ok(http, "Exists", id("base")).text()).isEqualTo("{\"Exists\":true}");
      assertThat(ok(http, "Get", id("base")).json().get("Dir").asText()).isEqualTo(rootfs);
      assertThat(Files.readString(Path.of(rootfs, "etc/hostname"))).isEqualTo("base\n");
      ok(http, "Put", id("base"));
      ok(http, "Cleanup", "{}");
      assertThat(Files.exists(config.stateFile())).isFalse();
    }
    try (PluginServer third = PluginServer.start(config)) {
      Reply r = http.post("/GraphDriver.Exists", id("base"));
      assertThat(r.status()).isEqualTo(500);
      assertThat(r.json().get("Err").asText()).contains("not initialised");
    }
  }

  @Test
  void anExplicitHomeWinsOverDockersHome() throws IOException {
    Path home = dir.resolve("explicit");
    PluginServerConfig config = PluginFixture.config("vfs", dir).withHome(home);
    try (PluginServer server = PluginServer.start(config)) {
      RawHttp http = RawHttp.unix(config.socket());
      ok(http, "Init", init(dir.resolve("docker-root/unionfs-vfs")));
      ok(http, "Create", id("a"));
      assertThat(ok(http, "Get", id("a")).json().get("Dir").asText()).startsWith(home + "/vfs/");
      ok(http, "Put", id("a"));
      assertThat(Files.exists(dir.resolve("docker-root/unionfs-vfs"))).isFalse();
    }
  }

  @Test
  void aStaleSocketIsReplacedAndALiveOneRefused() throws IOException {
    PluginServerConfig config = PluginFixture.config("vfs", dir);
    try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      other.bind(UnixDomainSocketAddress.of(config.socket()));
      assertThatThrownBy(() -> PluginServer.start(config))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("in use");
    }
    assertThat(Files.exists(config.socket())).as("left behind by the closed listener").isTrue();
    try (PluginServer server = PluginServer.start(config)) {
      assertThat(RawHttp.unix(config.socket()).post("/Plugin.Activate", null).status()).isEqualTo(200);
    }
    assertThat(Files.exists(config.socket())).isFalse();
  }

  @Test
  void tcpModeWritesAndRemovesTheSpecFile() throws IOException {
    Path specDir = dir.resolve("etc-docker-plugins");
    PluginServerConfig config = PluginFixture.config("vfs", dir).withTcp("127.0.0.1:0", specDir);
    Path spec = specDir.resolve("unionfs-vfs.spec");
    try (PluginServer server = PluginServer.start(config)) {
      String url = Files.readString(spec).trim();
      assertThat(url).matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*").isEqualTo(server.address());
      int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
      RawHttp http = RawHttp.tcp("127.0.0.1", port);
      assertThat(http.post("/Plugin.Activate", null).text()).isEqualTo("{\"Implements\":[\"GraphDriver\"]}");
      ok(http, "Init", init(dir.resolve("root/unionfs-vfs")));
      ok(http, "Create", id("a"));
      assertThat(Files.exists(config.socket())).isFalse();
    }
    assertThat(Files.exists(spec)).isFalse();
  }

  @Test
  void aLargeChunkedApplyDiffStreams() throws IOException {
    PluginServerConfig config = PluginFixture.config("vfs", dir);
    byte[] big = new byte[24 << 20];
    new Random(7).nextBytes(big);
    ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes)) {
      org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
          new org.apache.commons.compress.archivers.tar.TarArchiveEntry("big.bin");
      e.setSize(big.length);
      tar.putArchiveEntry(e);
      tar.write(big);
      tar.closeArchiveEntry();
    }
    try (PluginServer server = PluginServer.start(config)) {
      RawHttp http = RawHttp.unix(config.socket());
      ok(http, "Init", init(dir.resolve("root/unionfs-vfs")));
      ok(http, "Create", id("big"));
      Reply r = http.postChunked("/GraphDriver.ApplyDiff?id=big&parent=", tarBytes.toByteArray());
      assertThat(r.text()).isEqualTo("{\"Size\":" + big.length + "}");
      Path file = Path.of(ok(http, "Get", id("big")).json().get("Dir").asText(), "big.bin");
      assertThat(Files.readAllBytes(file)).isEqualTo(big);
      ok(http, "Put", id("big"));
    }
  }

  @ParameterizedTest
  @FieldSource("org.unionfs.plugin.PluginFixture#DRIVERS")
  void concurrentCallsOnManyLayersAndNestedGetsOnOne(String driver) throws Exception {
    String why = PluginFixture.unsupported(driver, dir);
    Assumptions.assumeTrue(why == null, why);
    PluginServerConfig config = PluginFixture.config(driver, dir);
    try (PluginServer server = PluginServer.start(config)) {
      RawHttp http = RawHttp.unix(config.socket());
      ok(http, "Init", init(dir.resolve("root/unionfs-" + driver)));
      ok(http, "Create", id("base"));
      http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar());
      ok(http, "CreateReadWrite", idParent("shared", "base"));
      int threads = 12;
      CyclicBarrier start = new CyclicBarrier(threads);
      Set<String> dirs = ConcurrentHashMap.newKeySet();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int n = t;
        futures.add(pool.submit(() -> {
          start.await();
          String own = "layer" + n;
          ok(http, "Create", idParent(own, "base"));
          assertThat(http.postChunked("/GraphDriver.ApplyDiff?id=" + own + "&parent=base", baseTar())
              .status()).isEqualTo(200);
          for (int i = 0; i < 10; i++) {
            String d = ok(http, "Get", id("shared")).json().get("Dir").asText();
            dirs.add(d);
            assertThat(Files.readString(Path.of(d, "etc/hostname"))).isEqualTo("base\n");
            ok(http, "Put", id("shared"));
          }
          ok(http, "Remove", id(own));
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(dirs).hasSize(1);
      Reply extraPut = http.post("/GraphDriver.Put", id("shared"));
      assertThat(extraPut.status()).as("every Get was balanced").isEqualTo(500);
      ok(http, "Remove", id("shared"));
      ok(http, "Remove", id("base"));
    }
  }

  @Test
  void closeReleasesTheMountsTheDaemonLeft() throws IOException {
    String why = PluginFixture.unsupported("overlay2", dir);
    Assumptions.assumeTrue(why == null, why);
    PluginServerConfig config = PluginFixture.config("overlay2", dir);
    String merged;
    try (PluginServer server = PluginServer.start(config)) {
      RawHttp http = RawHttp.unix(config.socket());
      ok(http, "Init", init(dir.resolve("root/unionfs-overlay2")));
      ok(http, "Create", id("base"));
      http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar());
      ok(http, "CreateReadWrite", idParent("ctr", "base"));
      merged = ok(http, "Get", id("ctr")).json().get("Dir").asText();
      assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(" " + merged + " ");
    }
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(" " + merged + " ");
  }

  @Test
  void commandLineParsing() throws IOException {
    PluginServerConfig d = PluginServerConfig.parse("--driver", "overlay2");
    assertThat(d.name()).isEqualTo("unionfs-overlay2");
    assertThat(d.socket()).isEqualTo(Path.of("/run/docker/plugins/unionfs-overlay2.sock"));
    assertThat(d.home()).isNull();
    assertThat(d.tcp()).isNull();
    PluginServerConfig c = PluginServerConfig.parse("--driver=vfs", "--home", "/var/lib/u", "--name", "javaunion",
        "--tcp", "127.0.0.1:7711", "-o", "size=0", "--opt=a=b");
    assertThat(c.home()).isEqualTo(Path.of("/var/lib/u"));
    assertThat(c.name()).isEqualTo("javaunion");
    assertThat(c.tcp()).isEqualTo("127.0.0.1:7711");
    assertThat(c.options()).isEqualTo(Map.of("size", "0", "a", "b"));
    assertThatThrownBy(() -> PluginServerConfig.parse("--home", "/x"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("--driver");
    assertThatThrownBy(() -> PluginServerConfig.parse("--driver", "vfs", "--bogus"))
        .hasMessageContaining("--bogus");
    assertThatThrownBy(() -> PluginServerConfig.parse("--driver", "vfs", "--socket", "/a", "--tcp", "h:1"))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> PluginServerConfig.parse("--driver", "vfs", "--tcp", "h:x"))
        .hasMessageContaining("bad port");
    assertThatThrownBy(() -> PluginServerConfig.parse("--driver", "vfs", "-o", "novalue"))
        .hasMessageContaining("novalue");
    assertThatThrownBy(() -> PluginServerConfig.parse("--driver", "vfs", "--name", "../x"))
        .hasMessageContaining("../x");
    assertThatThrownBy(() -> PluginServer.start(PluginFixture.config("nosuch", dir)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("nosuch");
  }
}
