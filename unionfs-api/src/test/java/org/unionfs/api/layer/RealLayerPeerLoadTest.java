package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.layer.testing.Cmd;
import org.unionfs.api.layer.testing.OurDiffs;
import org.unionfs.api.layer.testing.RealFixtures;
import org.unionfs.api.layer.testing.RealFixtures.Engine;
import org.unionfs.api.layer.testing.TreeSnapshot;

/**
 * Our diffs (see {@link OurDiffs}) of the buildah/umoci layer stacks are read by the two other engines:
 * {@code umoci unpack} of an OCI layout holding them, and {@code podman load} of a docker-archive
 * (private store, then {@code podman create} + {@code podman export}). Both must give exactly the tree
 * that {@link LayerTar#apply} makes of the same diffs (root directory aside).
 *
 * <p>That tree is not the engines' own: our diffs follow moby's naive-diff rules (as docker's do),
 * which drop directory-mtime-only and xattr-only changes (other than {@code security.capability}) and
 * cannot link a new path to an unchanged lower file. {@link RealLayerDockerLoadTest} shows that for
 * docker's own (naive-diff) layers the round trip through dockerd is exact.
 */
class RealLayerPeerLoadTest {

  @BeforeAll
  static void root() {
    assumeTrue("root".equals(System.getProperty("user.name")), "owners and devices: needs root");
  }

  @Test
  void umociUnpacksOurDiffsToItsOwnTree(@TempDir Path tmp) throws Exception {
    assumeTrue(Cmd.available("umoci"), "umoci is not installed (apt package umoci)");
    Engine umoci = RealFixtures.engine("umoci");
    OurDiffs.Stack stack = OurDiffs.build(umoci, tmp);
    Path oci = OurDiffs.ociLayout(stack, "ours", tmp);
    Path bundle = tmp.resolve("bundle");
    Cmd.run("umoci", "unpack", "--image", oci + ":ours", bundle.toString()).ok();

    TreeSnapshot got = TreeSnapshot.of(bundle.resolve("rootfs")).without("/"::equals);
    TreeSnapshot want = ourApply(stack, tmp.resolve("ours"));
    assertThat(got.diff(want)).as("umoci unpack of our diffs (-) vs our apply of them (+)").isEmpty();
  }

  @Test
  void podmanLoadsOurDiffsToItsOwnTree(@TempDir Path tmp) throws Exception {
    assumeTrue(Cmd.available("podman"), "podman is not installed (apt package podman)");
    Engine buildah = RealFixtures.engine("buildah-overlay");
    OurDiffs.Stack stack = OurDiffs.build(buildah, tmp);
    Path archive = OurDiffs.dockerArchive(stack, "unionfs/ours:1", tmp);
    Path store = Files.createTempDirectory("h2pm"); // short: podman's runroot holds sockets
    Files.writeString(store.resolve("storage.conf"), "[storage]\ndriver = \"overlay\"\nrunroot = \""
        + store + "/run\"\ngraphroot = \"" + store + "/graph\"\n");
    Files.writeString(store.resolve("containers.conf"), "[engine]\ncgroup_manager = \"cgroupfs\"\n"
        + "events_logger = \"file\"\nevents_logfile_path = \"" + store + "/events.log\"\n");
    Map<String, String> env = Map.of("CONTAINERS_STORAGE_CONF", store + "/storage.conf",
        "CONTAINERS_CONF", store + "/containers.conf");
    try {
      podman(env, "load", "-i", archive.toString());
      String id = podman(env, "images", "-q").out().trim();
      podman(env, "create", "--name", "ours", id, "/bin/sh");
      Path export = tmp.resolve("export.tar");
      podman(env, "export", "-o", export.toString(), "ours");
      Path x = Files.createDirectory(tmp.resolve("x"));
      Cmd.run("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", export.toString(),
          "-C", x.toString()).ok();

      TreeSnapshot got = TreeSnapshot.of(x).without("/"::equals);
      TreeSnapshot want = ourApply(stack, tmp.resolve("ours"));
      assertThat(got.diff(want)).as("podman export of our diffs (-) vs our apply of them (+)")
          .isEmpty();
    } finally {
      podmanQuiet(env, "rm", "-af");
      podmanQuiet(env, "system", "reset", "-f");
      List<String> mounts = new ArrayList<>(Files.readAllLines(Path.of("/proc/mounts")));
      Collections.reverse(mounts);
      for (String line : mounts) {
        String mnt = line.split(" ")[1];
        if (mnt.startsWith(store.toString())) {
          Cmd.run("umount", "-l", mnt);
        }
      }
      Cmd.run("rm", "-rf", store.toString());
    }
  }

  private static TreeSnapshot ourApply(OurDiffs.Stack stack, Path dir) throws Exception {
    Files.createDirectory(dir);
    for (Path t : stack.tars()) {
      try (java.io.InputStream in = Files.newInputStream(t)) {
        LayerTar.apply(dir, in, WhiteoutFormat.DELETE);
      }
    }
    return TreeSnapshot.of(dir).without("/"::equals);
  }

  private static Cmd.Result podman(Map<String, String> env, String... args) throws Exception {
    return run(env, args).ok();
  }

  private static void podmanQuiet(Map<String, String> env, String... args) throws Exception {
    run(env, args);
  }

  private static Cmd.Result run(Map<String, String> env, String... args) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add("env");
    env.forEach((k, v) -> argv.add(k + "=" + v));
    argv.add("podman");
    argv.addAll(List.of(args));
    return Cmd.run(argv);
  }
}
