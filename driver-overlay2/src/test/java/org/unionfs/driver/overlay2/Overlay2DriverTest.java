package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.spi.DriverContext;

/** The driver's files, modes and lifecycle as Docker's overlay2, on the real kernel (root). */
class Overlay2DriverTest {
  @TempDir Path tmp;
  Path home;
  GraphDriver driver;

  @BeforeEach
  void open() throws IOException {
    Host.assumeOverlay();
    home = tmp.resolve("overlay2");
    driver = new Overlay2DriverProvider().open(DriverContext.of(home));
  }

  @AfterEach
  void close() throws Exception {
    if (driver != null) {
      driver.close();
    }
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void open_createsHomeAndLinkDirWithDockersModes() throws IOException {
    assertThat(mode(home)).isEqualTo("rwx--x---");
    assertThat(mode(home.resolve("l"))).isEqualTo("rwx------");
  }

  @Test
  void create_base_hasDiffAndLinkOnly() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    Path dir = home.resolve("base");
    assertThat(list(dir)).containsExactly("diff", "link");
    assertThat(mode(dir)).isEqualTo("rwx--x---");
    assertThat(mode(dir.resolve("diff"))).isEqualTo("rwxr-xr-x");
    assertThat(mode(dir.resolve("link"))).isEqualTo("rw-r--r--");
    String link = Files.readString(dir.resolve("link"));
    assertThat(link).matches("[A-Z2-7]{26}");
    Path symlink = home.resolve("l").resolve(link);
    assertThat(Files.readSymbolicLink(symlink)).isEqualTo(Path.of("../base/diff"));
    assertThat(list(home)).containsExactly("base", "l");
  }

  @Test
  void create_child_writesLowerWorkAndCommitsParent() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    driver.create("mid", "base", CreateOptions.NONE);
    driver.createReadWrite("top", "mid", CreateOptions.NONE);
    String base = Files.readString(home.resolve("base/link"));
    String mid = Files.readString(home.resolve("mid/link"));
    assertThat(Files.readString(home.resolve("mid/lower"))).isEqualTo("l/" + base);
    assertThat(Files.readString(home.resolve("top/lower"))).isEqualTo("l/" + mid + ":l/" + base);
    assertThat(list(home.resolve("top"))).containsExactly("diff", "link", "lower", "work");
    assertThat(mode(home.resolve("top/work"))).isEqualTo("rwx------");
    assertThat(mode(home.resolve("top/lower"))).isEqualTo("rw-r--r--");
    assertThat(Files.size(home.resolve("base/committed"))).isZero();
    assertThat(mode(home.resolve("mid/committed"))).isEqualTo("rw-------");
    assertThat(home.resolve("top/committed")).doesNotExist();
  }

  @Test
  void get_baseLayer_returnsDiffWithoutMounting() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    Path p = driver.get("base", "");
    assertThat(p).isEqualTo(home.resolve("base/diff"));
    assertThat(home.resolve("base/merged")).doesNotExist();
    driver.put("base");
  }

  @Test
  void getPut_referenceCounted_mergedOnlyWhileMounted() throws IOException {
    driver.createReadWrite("base", null, CreateOptions.NONE);
    Files.writeString(driver.get("base", "").resolve("f"), "base");
    driver.put("base");
    driver.createReadWrite("ctr", "base", CreateOptions.NONE);
    Path merged = home.resolve("ctr/merged");
    assertThat(merged).doesNotExist();
    Path p1 = driver.get("ctr", "");
    Path p2 = driver.get("ctr", "");
    assertThat(p1).isEqualTo(merged).isEqualTo(p2);
    assertThat(mounted(merged)).isTrue();
    assertThat(Files.readString(merged.resolve("f"))).isEqualTo("base");
    Files.writeString(merged.resolve("g"), "upper");
    driver.put("ctr");
    assertThat(mounted(merged)).isTrue();
    driver.put("ctr");
    assertThat(mounted(merged)).isFalse();
    assertThat(merged).doesNotExist();
    assertThat(Files.readString(home.resolve("ctr/diff/g"))).isEqualTo("upper");
    assertThatThrownBy(() -> driver.put("ctr")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("ctr");
  }

  @Test
  void get_committedLayer_mountsReadOnly() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    driver.createReadWrite("img", "base", CreateOptions.NONE);
    driver.create("child", "img", CreateOptions.NONE);
    Path p = driver.get("img", "");
    try {
      assertThatThrownBy(() -> Files.writeString(p.resolve("x"), "x")).isInstanceOf(IOException.class);
      String opts = mountOptions(p);
      assertThat(opts).contains("lowerdir=" + home.resolve("img/diff") + ":").doesNotContain("upperdir");
    } finally {
      driver.put("img");
    }
  }

  @Test
  void remove_refusesParentsAndMountedLayers_thenRemovesEverything() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    driver.createReadWrite("ctr", "base", CreateOptions.NONE);
    assertThatThrownBy(() -> driver.remove("base")).isInstanceOf(LayerInUseException.class)
        .hasMessageContaining("base").hasMessageContaining("ctr");
    driver.get("ctr", "");
    assertThatThrownBy(() -> driver.remove("ctr")).isInstanceOf(LayerInUseException.class)
        .hasMessageContaining("mounted");
    driver.put("ctr");
    String link = Files.readString(home.resolve("ctr/link"));
    driver.remove("ctr");
    assertThat(driver.exists("ctr")).isFalse();
    assertThat(home.resolve("l").resolve(link)).doesNotExist();
    driver.remove("base");
    assertThat(list(home)).containsExactly("l");
    assertThat(list(home.resolve("l"))).isEmpty();
    assertThatThrownBy(() -> driver.remove("base")).isInstanceOf(LayerNotFoundException.class);
  }

  @Test
  void childIndex_survivesReopen() throws Exception {
    driver.create("base", null, CreateOptions.NONE);
    driver.create("child", "base", CreateOptions.NONE);
    driver.close();
    driver = new Overlay2DriverProvider().open(DriverContext.of(home));
    assertThatThrownBy(() -> driver.remove("base")).isInstanceOf(LayerInUseException.class);
    driver.remove("child");
    driver.remove("base");
  }

  @Test
  void create_badInput_typedErrorsAndNothingWritten() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    List<String> before = list(home);
    assertThatThrownBy(() -> driver.create("base", null, CreateOptions.NONE))
        .isInstanceOf(LayerExistsException.class);
    assertThatThrownBy(() -> driver.create("x", "missing", CreateOptions.NONE))
        .isInstanceOf(LayerNotFoundException.class).hasMessageContaining("missing");
    assertThatThrownBy(() -> driver.create("../evil", null, CreateOptions.NONE))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> driver.create("l", null, CreateOptions.NONE))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("link directory");
    assertThat(driver.exists("l")).isFalse();
    assertThatThrownBy(() -> driver.get("l", "")).isInstanceOf(LayerNotFoundException.class);
    assertThatThrownBy(() -> driver.create("img", "base", CreateOptions.withStorageOptions(Map.of("size", "1G"))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("ReadWrite");
    assertThatThrownBy(() -> driver.get("nope", "")).isInstanceOf(LayerNotFoundException.class);
    assertThat(list(home)).isEqualTo(before);
    assertThat(list(home.resolve("l"))).hasSize(1);
  }

  @Test
  void create_beyondMaxDepth_refused() throws IOException {
    String parent = null;
    for (int i = 0; i <= 128; i++) {
      driver.create("l" + i, parent, CreateOptions.NONE);
      parent = "l" + i;
    }
    assertThat(Files.readString(home.resolve("l128/lower")).split(":")).hasSize(128);
    assertThatThrownBy(() -> driver.create("l129", "l128", CreateOptions.NONE))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("max depth exceeded");
    assertThat(driver.exists("l129")).isFalse();
  }

  @Test
  void statusAndMetadata_asDocker() throws IOException {
    assertThat(driver.status().entries()).extracting(e -> e.key()).containsExactly("Backing Filesystem",
        "Supports d_type", "Using metacopy", "Native Overlay Diff", "userxattr");
    assertThat(driver.status().get("Supports d_type")).contains("true");
    driver.create("base", null, CreateOptions.NONE);
    driver.create("top", "base", CreateOptions.NONE);
    Map<String, String> meta = driver.metadata("top");
    assertThat(meta).containsEntry("LowerDir", home.resolve("base/diff").toString())
        .containsEntry("UpperDir", home.resolve("top/diff").toString())
        .containsEntry("WorkDir", home.resolve("top/work").toString())
        .containsEntry("MergedDir", home.resolve("top/merged").toString());
    assertThat(driver.metadata("base")).doesNotContainKey("LowerDir");
  }

  static boolean mounted(Path p) throws IOException {
    return MountTable.isMountPoint(MountTable.read(), p);
  }

  static String mountOptions(Path p) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (MountTable.unescape(f[4]).equals(p.toString())) {
        return line;
      }
    }
    return "";
  }

  static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }
}
