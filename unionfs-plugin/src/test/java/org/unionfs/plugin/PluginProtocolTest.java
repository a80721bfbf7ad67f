package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.plugin.PluginFixture.baseTar;
import static org.unionfs.plugin.PluginFixture.id;
import static org.unionfs.plugin.PluginFixture.idParent;
import static org.unionfs.plugin.PluginFixture.init;
import static org.unionfs.plugin.PluginFixture.names;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.unionfs.api.DriverStatus;
import org.unionfs.plugin.RawHttp.Reply;

/** Every plugin method over the unix socket, with the bodies dockerd 20.10 sends and expects. */
class PluginProtocolTest {
  @TempDir Path dir;
  private PluginServer server;
  private RawHttp http;

  private void start(String driver) throws IOException {
    server = PluginServer.start(PluginFixture.config(driver, dir));
    http = RawHttp.unix(dir.resolve("p.sock"));
  }

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private Reply ok(String method, String body) throws IOException {
    Reply r = http.post("/GraphDriver." + method, body);
    assertThat(r.status()).as(method + " " + r.text()).isEqualTo(200);
    assertThat(r.headers().get("content-type")).isEqualTo("application/vnd.docker.plugins.v1+json");
    assertThat(r.json().has("Err")).as(r.text()).isFalse();
    return r;
  }

  private String err(String method, String body) throws IOException {
    Reply r = http.post("/GraphDriver." + method, body);
    assertThat(r.status()).as(method + " " + r.text()).isEqualTo(500);
    JsonNode json = r.json();
    assertThat(json.size()).as(r.text()).isEqualTo(1);
    return json.get("Err").asText();
  }

  @Test
  void activateAnswersTheManifestToAnEmptyBody() throws IOException {
    start("vfs");
    Reply r = http.post("/Plugin.Activate", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("{\"Implements\":[\"GraphDriver\"]}");
  }

  @ParameterizedTest
  @FieldSource("org.unionfs.plugin.PluginFixture#DRIVERS")
  void theCallsOfImportRunDiffCommitAndRemoveAsDockerdMakesThem(String driver) throws IOException {
    String why = PluginFixture.unsupported(driver, dir);
    Assumptions.assumeTrue(why == null, why);
    start(driver);
    Path home = dir.resolve("data-root").resolve("unionfs-" + driver);
    assertThat(ok("Init", init(home)).text()).isEqualTo("{}");
    assertThat(Files.isDirectory(home.resolve(driver))).as("driver home under Docker's Home").isTrue();
    assertThat(ok("Capabilities", "{}").text())
        .isEqualTo("{\"Capabilities\":{\"ReproducesExactDiffs\":false}}");

    // docker import: Create without Parent, ApplyDiff with a chunked body and empty parent=.
    assertThat(ok("Create", id("base")).text()).isEqualTo("{}");
    Reply applied = http.postChunked("/GraphDriver.ApplyDiff?id=base&parent=", baseTar());
    assertThat(applied.status()).as(applied.text()).isEqualTo(200);
    assertThat(applied.text()).isEqualTo("{\"Size\":106}");
    assertThat(ok("Exists", id("base")).text()).isEqualTo("{\"Exists\":true}");
    assertThat(ok("Exists", id("nothere")).text()).isEqualTo("{\"Exists\":false}");

    // docker run: init layer, container layer, Get returns a host path the daemon writes through.
    ok("CreateReadWrite", idParent("ctr-init", "base"));
    ok("CreateReadWrite", idParent("ctr", "ctr-init"));
    Path rootfs = Path.of(ok("Get", id("ctr")).json().get("Dir").asText());
    assertThat(rootfs).isAbsolute();
    assertThat(Files.readString(rootfs.resolve("etc/hostname"))).isEqualTo("base\n");
    Files.writeString(rootfs.resolve("new.txt"), "new");
    Files.writeString(rootfs.resolve("etc/hostname"), "changed\n");
    Files.delete(rootfs.resolve("bin/sh"));
    assertThat(ok("Put", id("ctr")).text()).isEqualTo("{}");

    // docker diff / ps -s / inspect
    assertThat(ok("Changes", idParent("ctr", "ctr-init")).text()).isEqualTo("{\"Changes\":["
        + "{\"Path\":\"/bin\",\"Kind\":0},{\"Path\":\"/bin/sh\",\"Kind\":2},"
        + "{\"Path\":\"/etc\",\"Kind\":0},{\"Path\":\"/etc/hostname\",\"Kind\":0},"
        + "{\"Path\":\"/new.txt\",\"Kind\":1}]}");
    long diffSize = ok("DiffSize", idParent("ctr", "ctr-init")).json().get("Size").asLong();
    assertThat(diffSize).isEqualTo("new".length() + "changed\n".length());
    JsonNode metadata = ok("GetMetadata", id("ctr")).json();
    assertThat(WireFormat.JSON.convertValue(metadata.path("Metadata"), java.util.Map.class))
        .isEqualTo(server.session().driver().metadata("ctr"));

    // docker commit: Get(ctr); Diff(ctr, ctr-init) as a raw tar; Create(img, base); ApplyDiff; Put(ctr).
    ok("Get", id("ctr"));
    Reply diff = http.post("/GraphDriver.Diff", idParent("ctr", "ctr-init"));
    assertThat(diff.status()).isEqualTo(200);
    assertThat(diff.headers().get("content-type")).isEqualTo("application/x-tar");
    assertThat(names(diff.body())).containsExactlyInAnyOrder(
        "bin/", "bin/.wh.sh", "etc/", "etc/hostname", "new.txt");
    ok("Create", idParent("img", "base"));
    Reply commit = http.postChunked("/GraphDriver.ApplyDiff?id=img&parent=base", diff.body());
    assertThat(commit.json().get("Size").asLong()).isEqualTo(diffSize);
    ok("Put", id("ctr"));

    // docker save reads the committed layer's files through Get.
    Path img = Path.of(ok("Get", id("img")).json().get("Dir").asText());
    assertThat(Files.readString(img.resolve("new.txt"))).isEqualTo("new");
    assertThat(Files.exists(img.resolve("bin/sh"))).isFalse();
    assertThat(Files.readSymbolicLink(img.resolve("etc/link"))).isEqualTo(Path.of("hostname"));
    ok("Put", id("img"));

    // docker rm / rmi: top first; a parent with children is refused with Err.
    assertThat(err("Remove", id("base"))).contains("base");
    for (String layer : List.of("ctr", "ctr-init", "img", "base")) {
      assertThat(ok("Remove", id(layer)).text()).isEqualTo("{}");
    }
    assertThat(ok("Exists", id("base")).text()).isEqualTo("{\"Exists\":false}");

    // docker info / daemon shutdown
    assertThat(ok("Status", "{}").json().get("Status")).isEqualTo(
        WireFormat.JSON.valueToTree(pairs(server.session().driver().status())));
    assertThat(ok("Cleanup", "{}").text()).isEqualTo("{}");
  }

  private static List<List<String>> pairs(DriverStatus status) {
    List<List<String>> pairs = new ArrayList<>();
    status.entries().forEach(e -> pairs.add(List.of(e.key(), e.value())));
    return pairs;
  }

  @ParameterizedTest
  @FieldSource("org.unionfs.plugin.PluginFixture#DRIVERS")
  void statusIsTheDriversPairsInOrder(String driver) throws IOException {
    String why = PluginFixture.unsupported(driver, dir);
    Assumptions.assumeTrue(why == null, why);
    start(driver);
    ok("Init", init(dir.resolve("root/unionfs-" + driver)));
    JsonNode status = ok("Status", "{}").json().get("Status");
    assertThat(status.isArray()).isTrue();
    // moby's vfs reports no pairs; overlay2 its backing filesystem, d_type, metacopy, native diff,
    // userxattr; aufs its root dir, backing filesystem, dirs, dirperm1.
    Map<String, Integer> expected = Map.of("vfs", 0, "overlay2", 5, "aufs", 4);
    if (expected.containsKey(driver)) {
      assertThat(status.size()).isEqualTo(expected.get(driver));
    }
    if (driver.equals("overlay2")) {
      assertThat(status.get(0).get(0).asText()).isEqualTo("Backing Filesystem");
    }
    if (driver.equals("aufs")) {
      assertThat(status.get(0).get(0).asText()).isEqualTo("Root Dir");
    }
    for (JsonNode pair : status) {
      assertThat(pair.isArray() && pair.size() == 2).as(pair.toString()).isTrue();
    }
    assertThat(status).isEqualTo(WireFormat.JSON.valueToTree(pairs(server.session().driver().status())));
  }

  @Test
  void initOptionsReachTheDriversParserAndUnknownOnesAreRefused() throws IOException {
    start("vfs");
    Path home = dir.resolve("root/unionfs-vfs");
    String bad = err("Init", "{\"Home\":\"" + home + "\",\"Opts\":[\"sise=10M\"],\"UIDMaps\":null,"
        + "\"GIDMaps\":null}");
    assertThat(bad).endsWith("vfs: unknown option \"sise\"");
    assertThat(err("Create", id("a"))).contains("not initialised");
    String malformed = err("Init", "{\"Home\":\"" + home + "\",\"Opts\":[\"size=ten\"]}");
    assertThat(malformed).contains("size=ten");
    ok("Init", "{\"Home\":\"" + home + "\",\"Opts\":[\"size=0\"],\"UIDMaps\":null,\"GIDMaps\":null}");
    ok("Create", id("a"));
    String remap = err("Init", "{\"Home\":\"" + home + "\",\"Opts\":null,"
        + "\"UIDMaps\":[{\"ContainerID\":0,\"HostID\":100000,\"Size\":65536}],\"GIDMaps\":null}");
    assertThat(remap).contains("UIDMaps");
  }

  @Test
  void errorsHaveDockersShape() throws IOException {
    start("vfs");
    assertThat(err("Get", id("x"))).contains("not initialised");
    ok("Init", init(dir.resolve("root/unionfs-vfs")));
    assertThat(err("Get", id("missing"))).contains("missing");
    assertThat(err("Create", idParent("child", "missing"))).contains("missing");
    ok("Create", id("a"));
    assertThat(err("Create", id("a"))).contains("a");
    assertThat(err("Put", id("a"))).contains("a");
    assertThat(err("Create", id("../escape"))).contains("../escape");
    assertThat(err("Create", "{\"ID\":")).startsWith("malformed request body");
    Reply bad = http.postChunked("/GraphDriver.ApplyDiff?id=a&parent=", "not a tar at all".repeat(256 * 1024)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(bad.status()).isEqualTo(500);
    assertThat(bad.json().get("Err").asText()).isNotEmpty();

    Reply unknown = http.post("/GraphDriver.Frobnicate", "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("Err").asText()).contains("Frobnicate");
    Reply elsewhere = http.post("/VolumeDriver.Create", "{}");
    assertThat(elsewhere.status()).isEqualTo(404);
    Reply get = http.send("GET", "/Plugin.Activate", new byte[0], false);
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.json().get("Err").asText()).contains("only POST");
  }

  @Test
  void getAndPutNestAndRepeatWithTheDriversReferenceCount() throws IOException {
    start("vfs");
    ok("Init", init(dir.resolve("root/unionfs-vfs")));
    ok("Create", id("l"));
    String first = ok("Get", id("l")).json().get("Dir").asText();
    String second = ok("Get", id("l")).json().get("Dir").asText();
    assertThat(second).isEqualTo(first);
    assertThat(err("Remove", id("l"))).contains("l");
    ok("Put", id("l"));
    ok("Put", id("l"));
    assertThat(err("Put", id("l"))).contains("l");
    ok("Remove", id("l"));
  }
}
