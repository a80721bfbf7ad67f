package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.layer.testing.RealFixtures;
import org.unionfs.api.layer.testing.RealFixtures.Engine;
import org.unionfs.api.layer.testing.RealFixtures.Layer;
import org.unionfs.api.layer.testing.TreeSnapshot;
import org.unionfs.api.layer.testing.UnionView;
import org.unionfs.api.posix.Posix;

/**
 * Layers written by real engines (docker 20.10 overlay2 and vfs, buildah/podman 4.3 on
 * containers/storage overlay, umoci 0.4.7; see {@code src/test/resources/layers/real/README.md})
 * applied by {@link LayerTar#apply} give exactly the trees those engines produced themselves.
 *
 * <p>What is left out of a comparison, and why (the same on both sides):
 * <ul>
 *   <li>the root directory: the test creates it; no engine's layer names it except the GNU base
 *       layer's {@code ./}, and the expected side's root is a temporary directory too;</li>
 *   <li>docker only: the init layer's entries ({@link RealFixtures#DOCKER_INIT}) and the mtimes of
 *       {@code /etc} and {@code /dev} that the init layer changed; they are in no image layer;</li>
 *   <li>with the overlay format: the mtime of each whiteout device, which is the time of the mknod.</li>
 * </ul>
 * Everything else is compared: type, permissions with setuid/setgid/sticky, owners, size, sha256,
 * symlink targets, device numbers, every xattr, hardlink groups and mtimes to the nanosecond.
 */
class RealLayerTest {

  @BeforeAll
  static void root() {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "the layers hold devices, owners and security.capability: needs root");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker-overlay2", "docker-vfs", "buildah-overlay", "umoci"})
  void fixturesAreTheEnginesOwnBytes(String name) throws Exception {
    for (Layer l : RealFixtures.engine(name).layers()) {
      assertThat(l.digest()).as("diff_id of %s", l.gz()).isEqualTo(l.diffId());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker-overlay2", "docker-vfs", "buildah-overlay", "umoci"})
  void imageLayersAppliedWithDeleteGiveTheEnginesTree(String name, @TempDir Path tmp)
      throws Exception {
    Engine e = RealFixtures.engine(name);
    TreeSnapshot got = applyStack(e.imageLayers(), tmp.resolve("rootfs"), true);
    assertSameTree(e, got, expected(e, true));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker-overlay2", "docker-vfs", "buildah-overlay", "umoci"})
  void committedContainerLayerAppliedWithDeleteGivesTheEnginesTree(String name, @TempDir Path tmp)
      throws Exception {
    Engine e = RealFixtures.engine(name);
    TreeSnapshot got = applyStack(e.layers(), tmp.resolve("rootfs"), false);
    assertSameTree(e, got, expected(e, false));
  }

  /**
   * moby's Changes as docker itself computed them on the live container ({@code docker diff}, stored by
   * the recipe) equal {@link LayerTar#changes} between the image and the image plus the committed layer.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker-overlay2", "docker-vfs"})
  void changesOfTheCommittedLayerAreWhatDockerDiffReported(String name, @TempDir Path tmp)
      throws Exception {
    Engine e = RealFixtures.engine(name);
    Path image = tmp.resolve("image");
    applyStack(e.imageLayers(), image, false);
    Path committed = tmp.resolve("committed");
    Process cp = new ProcessBuilder("cp", "-a", image.toString(), committed.toString()).start();
    assertThat(cp.waitFor()).isZero();
    try (InputStream in = e.layers().get(e.layers().size() - 1).openTar()) {
      LayerTar.apply(committed, in, WhiteoutFormat.DELETE);
    }

    List<String> got = LayerTar.changes(committed, image).stream().map(Object::toString).sorted()
        .toList();

    assertThat(got).isEqualTo(Files.readAllLines(e.dir().resolve("container-diff.txt")));
  }

  /** docker vfs keeps a full tree per layer: our DELETE apply must equal it after every layer. */
  @org.junit.jupiter.api.Test
  void dockerVfsLayerDirectoriesAfterEveryLayer(@TempDir Path tmp) throws Exception {
    Engine e = RealFixtures.engine("docker-vfs");
    Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));
    for (int i = 0; i < e.layers().size(); i++) {
      try (InputStream in = e.layers().get(i).openTar()) {
        LayerTar.apply(rootfs, in, WhiteoutFormat.DELETE);
      }
      TreeSnapshot want = e.manifest("ondisk-L" + i + ".manifest").without("/"::equals);
      assertThat(TreeSnapshot.of(rootfs).without("/"::equals).diff(want))
          .as("after layer %d (%s)", i, e.layers().get(i).gz().getFileName()).isEmpty();
    }
  }

  /** overlay2 (docker) and containers/storage overlay: each layer alone, applied natively. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker-overlay2", "buildah-overlay"})
  void eachLayerWithOverlayFormatIsTheEnginesDiffDirectory(String name, @TempDir Path tmp)
      throws Exception {
    Engine e = RealFixtures.engine(name);
    for (int i = 0; i < e.layers().size(); i++) {
      Path dir = Files.createDirectory(tmp.resolve("L" + i));
      try (InputStream in = e.layers().get(i).openTar()) {
        LayerTar.apply(dir, in, WhiteoutFormat.OVERLAY);
      }
      TreeSnapshot want = overlayNormal(e.manifest("ondisk-L" + i + ".manifest"));
      assertThat(overlayNormal(TreeSnapshot.of(dir)).diff(want))
          .as("%s layer %d with the overlay format vs the engine's diff dir", name, i).isEmpty();
    }
  }

  /**
   * Native diff: each real layer applied in a driver's own format (overlay char devices and opaque
   * xattrs, or aufs {@code .wh.} files), written back with {@link LayerTar#writeTree} in that format,
   * then applied with DELETE onto the tree below it, gives the same tree as the engine's own layer.
   */
  @ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource({"docker-overlay2, overlay", "docker-overlay2, aufs",
      "buildah-overlay, overlay", "buildah-overlay, aufs", "umoci, overlay", "docker-vfs, aufs"})
  void nativeDiffOfEachLayerInTheDriversFormatGivesTheSameTree(String name, String format,
      @TempDir Path tmp) throws Exception {
    Engine e = RealFixtures.engine(name);
    WhiteoutFormat f = format.equals("overlay") ? WhiteoutFormat.OVERLAY : WhiteoutFormat.AUFS;
    Path viaEngine = Files.createDirectory(tmp.resolve("engine"));
    Path viaNative = Files.createDirectory(tmp.resolve("native"));
    for (int i = 0; i < e.layers().size(); i++) {
      Path own = Files.createDirectory(tmp.resolve("own" + i));
      try (InputStream in = e.layers().get(i).openTar()) {
        LayerTar.apply(own, in, f);
      }
      Path tar = tmp.resolve("native" + i + ".tar");
      try (java.io.OutputStream out = Files.newOutputStream(tar)) {
        LayerTar.writeTree(own, f, out);
      }
      try (InputStream in = e.layers().get(i).openTar()) {
        LayerTar.apply(viaEngine, in, WhiteoutFormat.DELETE);
      }
      try (InputStream in = Files.newInputStream(tar)) {
        LayerTar.apply(viaNative, in, WhiteoutFormat.DELETE);
      }
      assertThat(TreeSnapshot.of(viaNative).without("/"::equals)
          .diff(TreeSnapshot.of(viaEngine).without("/"::equals)))
          .as("%s after layer %d: via our native diff (-) vs via the engine's layer (+)", name, i)
          .isEmpty();
    }
  }

  /** The kernel's overlayfs stacks our OVERLAY-format layers into the engine's tree. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker-overlay2", "docker-vfs", "buildah-overlay", "umoci"})
  void kernelOverlayOfOverlayFormatLayersIsTheEnginesTree(String name, @TempDir Path tmp)
      throws Exception {
    assumeTrue(Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n"),
        "kernel overlayfs not available");
    Engine e = RealFixtures.engine(name);
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < e.layers().size(); i++) {
      Path dir = Files.createDirectory(tmp.resolve("L" + i));
      try (InputStream in = e.layers().get(i).openTar()) {
        LayerTar.apply(dir, in, WhiteoutFormat.OVERLAY);
      }
      dirs.add(0, dir); // overlayfs lists the top layer first
    }
    Path merged = Files.createDirectory(tmp.resolve("merged"));
    Posix.get().mount("overlay", merged, "overlay", 1 /* MS_RDONLY */,
        "lowerdir=" + dirs.stream().map(Path::toString).collect(Collectors.joining(":")));
    try {
      assertSameTree(e, TreeSnapshot.of(merged), expected(e, false));
    } finally {
      Posix.get().umount2(merged, 0);
    }
  }

  /** aufs's rules over our AUFS-format layers give the engine's tree (no aufs in this kernel). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"docker-overlay2", "docker-vfs", "buildah-overlay", "umoci"})
  void aufsRulesOverAufsFormatLayersGiveTheEnginesTree(String name, @TempDir Path tmp)
      throws Exception {
    Engine e = RealFixtures.engine(name);
    List<TreeSnapshot> layers = new ArrayList<>();
    for (int i = 0; i < e.layers().size(); i++) {
      Path dir = Files.createDirectory(tmp.resolve("L" + i));
      try (InputStream in = e.layers().get(i).openTar()) {
        LayerTar.apply(dir, in, WhiteoutFormat.AUFS);
      }
      layers.add(TreeSnapshot.of(dir));
    }
    assertSameTree(e, UnionView.aufs(layers), expected(e, false));
  }

  // ------------------------------------------------------------------------------------------------

  /** Applies the layers in order onto a new directory; the first through its gzip file (detection). */
  private static TreeSnapshot applyStack(List<Layer> layers, Path rootfs, boolean firstCompressed)
      throws IOException {
    Files.createDirectory(rootfs);
    for (int i = 0; i < layers.size(); i++) {
      try (InputStream in = i == 0 && firstCompressed ? layers.get(i).openGzip()
          : layers.get(i).openTar()) {
        LayerTar.apply(rootfs, in, WhiteoutFormat.DELETE);
      }
    }
    return TreeSnapshot.of(rootfs);
  }

  /** The engine's own tree: docker/podman export or umoci unpack of the image or the committed image. */
  private static TreeSnapshot expected(Engine e, boolean image) throws IOException {
    String file = e.name().equals("umoci")
        ? (image ? "unpack-image.manifest" : "unpack-repacked.manifest")
        : (image ? "export-image.manifest" : "export-committed.manifest");
    return e.manifest(file);
  }

  private static void assertSameTree(Engine e, TreeSnapshot got, TreeSnapshot want) {
    assertThat(exportNormal(e, got).diff(exportNormal(e, want)))
        .as("%s: our tree (-) vs the engine's (+)", e.name()).isEmpty();
  }

  private static TreeSnapshot exportNormal(Engine e, TreeSnapshot s) {
    TreeSnapshot t = s.without("/"::equals);
    if (e.name().startsWith("docker")) {
      t = t.without(RealFixtures.DOCKER_INIT::contains)
          .withoutMtime(x -> x.path().equals("/etc") || x.path().equals("/dev"));
    }
    return t;
  }

  /**
   * A diff dir as the engine left it on disk: whiteout devices carry the mknod time, and the kernel adds
   * {@code trusted.overlay.origin/impure/uuid} to dirs of a layer once it served as an overlay lower or
   * upper (seen on docker's committed layer); no tar carries those, so only {@code overlay.opaque} stays.
   */
  private static TreeSnapshot overlayNormal(TreeSnapshot s) {
    return s.without("/"::equals)
        .withoutMtime(x -> x.type() == 'c' && "0,0".equals(x.rdev()))
        .xattrsOnly(n -> !n.startsWith("trusted.overlay.") || n.equals("trusted.overlay.opaque"));
  }
}
