package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;

/**
 * A store written by Docker 20.10's overlay2 (captured once by {@code docker-20.10-store/make-store.sh},
 * kept with its xattrs and device nodes) opens with this driver, and every layer reads back what Docker
 * put there; and the files this driver writes are Docker's, name for name and mode for mode.
 */
class DockerStoreCompatTest {
  private static final String RESOURCE = "/docker-20.10-store/";

  @TempDir Path tmp;
  Path home;
  Map<String, String> ids = new HashMap<>();
  GraphDriver driver;

  @BeforeEach
  void extract() throws Exception {
    Host.assumeOverlay();
    Path archive = tmp.resolve("store.tar.gz");
    try (InputStream in = getClass().getResourceAsStream(RESOURCE + "docker-20.10-overlay2.tar.gz")) {
      Files.copy(in, archive);
    }
    Path root = Files.createDirectory(tmp.resolve("root"));
    Process tar = new ProcessBuilder("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpzf",
        archive.toString(), "-C", root.toString()).redirectErrorStream(true).start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as("tar: %s", out).isZero();
    home = root.resolve("overlay2");
    try (InputStream in = getClass().getResourceAsStream(RESOURCE + "layers.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] f = line.split(" ");
        ids.put(f[0], f[1]);
      }
    }
    driver = new Overlay2DriverProvider().open(DriverContext.of(home));
  }

  @AfterEach
  void close() throws Exception {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void everyLayer_readsBackDockersTree() throws Exception {
    for (String role : List.of("base", "changed", "c1-init", "c1", "c2-init", "c2")) {
      assertThat(driver.exists(ids.get(role))).as(role).isTrue();
    }
    Path base = driver.get(ids.get("base"), "");
    try {
      assertThat(base).isEqualTo(home.resolve(ids.get("base")).resolve("diff"));
      assertThat(Files.size(base.resolve("bin/busybox"))).isEqualTo(Files.size(Path.of("/bin/busybox")));
      assertThat(Files.readSymbolicLink(base.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
      assertThat(Files.readString(base.resolve("data/remove.txt"))).isEqualTo("gone\n");
      assertThat(Files.readString(base.resolve("data/opq/old.txt"))).isEqualTo("old\n");
      assertThat(mode(base.resolve("tmp"))).isEqualTo(01777);
    } finally {
      driver.put(ids.get("base"));
    }
    for (String role : List.of("changed", "c1", "c2")) {
      Path view = driver.get(ids.get(role), "");
      try {
        assertChangedTree(role, view);
        boolean container = !role.equals("changed");
        assertThat(Files.exists(view.resolve(".dockerenv"))).as(role).isEqualTo(container);
        if (container) {
          assertThat(Files.readSymbolicLink(view.resolve("etc/mtab"))).isEqualTo(Path.of("/proc/mounts"));
          assertThat(Files.isDirectory(view.resolve("dev/pts"))).isTrue();
        }
      } finally {
        driver.put(ids.get(role));
      }
    }
  }

  private static void assertChangedTree(String role, Path view) throws IOException {
    assertThat(view.resolve("data/remove.txt")).as(role).doesNotExist();
    assertThat(view.resolve("data/deep")).as(role).doesNotExist();
    assertThat(Overlay2DriverTest.list(view.resolve("data/opq"))).as(role).containsExactly("new.txt");
    assertThat(Files.readString(view.resolve("data/modify.txt"))).as(role).isEqualTo("after\n");
    assertThat(Files.readString(view.resolve("data/newdir/n.txt"))).as(role).isEqualTo("n\n");
    assertThat(Files.readString(view.resolve("data/keep/a.txt"))).as(role).isEqualTo("one\n");
    assertThat(Posix.get().lstat(view.resolve("data/fifo")).isFifo()).as(role).isTrue();
    assertThat(Overlay2DriverTest.list(view.resolve("data"))).as(role)
        .containsExactly("fifo", "keep", "modify.txt", "newdir", "opq");
  }

  @Test
  void diffOfDockersImageLayer_equalsNaive_andRecreatesTheLayerOnAFreshChild() throws Exception {
    String base = ids.get("base");
    String changed = ids.get("changed");
    byte[] tar;
    byte[] naiveTar;
    try (InputStream a = driver.diff(changed, base);
        InputStream b = NaiveDiffDriver.wrap(driver).diff(changed, base)) {
      tar = a.readAllBytes();
      naiveTar = b.readAllBytes();
    }
    assertThat(tar).isEqualTo(naiveTar);
    driver.create("copy", base, CreateOptions.NONE);
    long size = driver.applyDiff("copy", base, new java.io.ByteArrayInputStream(tar));
    assertThat(size).isEqualTo(driver.diffSize(changed, base));
    assertThat(Posix.get().lstat(home.resolve("copy/diff/data/remove.txt")).isOverlayWhiteout()).isTrue();
    Path view = driver.get("copy", "");
    try {
      assertChangedTree("copy", view);
    } finally {
      driver.put("copy");
    }
  }

  @Test
  void changes_ofDockersContainer_equalDockerDiff() throws Exception {
    List<String> expected;
    try (InputStream in = getClass().getResourceAsStream(RESOURCE + "docker-diff-c1.txt")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().sorted().toList();
    }
    List<Change> changes = driver.changes(ids.get("c1"), ids.get("c1-init"));
    assertThat(changes.stream().map(Change::toString).sorted().toList()).isEqualTo(expected);
  }

  @Test
  void childrenFromDockersLowerFiles_protectParents_andNewLayersFollowDockersFormat() throws Exception {
    assertThatThrownBy(() -> driver.remove(ids.get("base"))).isInstanceOf(LayerInUseException.class);
    assertThatThrownBy(() -> driver.remove(ids.get("changed"))).isInstanceOf(LayerInUseException.class)
        .hasMessageContaining(ids.get("c2-init"));
    driver.remove(ids.get("c2"));
    driver.remove(ids.get("c2-init"));
    String changedLink = Files.readString(home.resolve(ids.get("changed")).resolve("link"));
    String baseLink = Files.readString(home.resolve(ids.get("base")).resolve("link"));
    driver.createReadWrite("mine", ids.get("changed"), CreateOptions.NONE);
    assertThat(Files.readString(home.resolve("mine/lower"))).isEqualTo("l/" + changedLink + ":l/" + baseLink);
    Path view = driver.get("mine", "");
    try {
      assertChangedTree("mine", view);
      Files.writeString(view.resolve("data/keep/a.txt"), "two\n");
    } finally {
      driver.put("mine");
    }
    assertThat(driver.changes("mine", ids.get("changed")).stream().map(Change::toString).toList())
        .containsExactly("C /data", "C /data/keep", "C /data/keep/a.txt");
  }

  /**
   * Our layers have exactly the files and modes of Docker's: a base layer like Docker's imported base,
   * a child like Docker's committed image layer, a container layer like Docker's stopped container.
   */
  @Test
  void ourLayout_equalsDockers_fileForFileAndModeForMode() throws Exception {
    driver.create("ourbase", null, CreateOptions.NONE);
    driver.create("ourimage", "ourbase", CreateOptions.NONE);
    driver.createReadWrite("ourctr", "ourimage", CreateOptions.NONE);
    driver.get("ourctr", "");
    driver.put("ourctr");
    assertThat(skeleton("ourbase")).isEqualTo(skeleton(ids.get("base")));
    assertThat(skeleton("ourimage")).isEqualTo(skeleton(ids.get("changed")));
    assertThat(skeleton("ourctr")).isEqualTo(skeleton(ids.get("c1")));
    assertThat(mode(home)).isEqualTo(0710);
    assertThat(mode(home.resolve("l"))).isEqualTo(0700);
    for (Path link : Overlay2DriverTest.list(home.resolve("l")).stream().map(home.resolve("l")::resolve).toList()) {
      assertThat(link.getFileName().toString()).matches("[A-Z2-7]{26}");
      assertThat(Files.readSymbolicLink(link).toString()).matches("\\.\\./[^/]+/diff");
    }
  }

  /** A layer directory without its diff contents: each name with its type and mode; link/lower shape. */
  private Map<String, String> skeleton(String id) throws IOException {
    Path dir = home.resolve(id);
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        FileStat st = Posix.get().lstat(p);
        String name = p.getFileName().toString();
        String content = "";
        if (name.equals("link")) {
          content = Files.readString(p).matches("[A-Z2-7]{26}") ? " link-id" : " bad";
        } else if (name.equals("lower")) {
          content = Files.readString(p).matches("l/[A-Z2-7]{26}(:l/[A-Z2-7]{26})*") ? " lowers" : " bad";
        } else if (st.isRegularFile()) {
          content = " size " + st.size();
        }
        out.put(name, Integer.toOctalString(st.mode()) + content);
      }
    }
    if (Files.isDirectory(dir.resolve("work/work"), LinkOption.NOFOLLOW_LINKS)) {
      out.put("work/work", Integer.toOctalString(Posix.get().lstat(dir.resolve("work/work")).mode()));
    }
    return out;
  }

  private static int mode(Path p) throws IOException {
    return Posix.get().lstat(p).permissions();
  }
}
