package org.unionfs.driver.aufs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;

/** Docker's aufs layout on disk: the layers/ files, directory modes, mounts only where moby mounts. */
class AufsLayoutTest {
  @TempDir
  Path tmp;
  Path home;
  AufsDriver driver;

  @BeforeEach
  void open() throws IOException {
    AufsHost.assumeFuseAndRoot();
    home = tmp.resolve("aufs");
    driver = (AufsDriver) new AufsDriverProvider().open(DriverContext.of(home));
  }

  @AfterEach
  void close() throws IOException {
    if (driver != null) {
      driver.close();
    }
  }

  private static int mode(Path p) throws IOException {
    return Posix.get().lstat(p).permissions();
  }

  private String layersFile(String id) throws IOException {
    return Files.readString(home.resolve("layers").resolve(id), StandardCharsets.UTF_8);
  }

  @Test
  void open_createsTheThreeDirectories_mode0710() throws IOException {
    for (String d : List.of("", "layers", "diff", "mnt")) {
      assertThat(mode(home.resolve(d))).as("mode of %s/", d).isEqualTo(0710);
    }
  }

  @Test
  void layersFile_baseEmpty_childListsParentThenAncestorsNearestFirst() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    driver.create("mid", "base", CreateOptions.NONE);
    driver.createReadWrite("top", "mid", CreateOptions.NONE);
    assertThat(layersFile("base")).isEmpty();
    assertThat(layersFile("mid")).isEqualTo("base\n");
    assertThat(layersFile("top")).isEqualTo("mid\nbase\n");
    assertThat(mode(home.resolve("layers/top"))).isEqualTo(0644);
    assertThat(mode(home.resolve("diff/top"))).isEqualTo(0755);
    assertThat(mode(home.resolve("mnt/top"))).isEqualTo(0755);
    assertThat(Files.isRegularFile(home.resolve("layers/top"))).isTrue();
  }

  @Test
  void exists_isThePresenceOfTheLayersFile() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    assertThat(driver.exists("base")).isTrue();
    Files.delete(home.resolve("layers/base"));
    assertThat(driver.exists("base")).isFalse();
    assertThat(driver.exists("../base")).isFalse();
  }

  @Test
  void get_base_isItsDiffDirectory_withoutMount() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    Path p = driver.get("base", "");
    try {
      assertThat(p).isEqualTo(home.resolve("diff/base"));
      assertThat(AufsMounts.mountPointsUnder(home)).isEmpty();
    } finally {
      driver.put("base");
    }
  }

  @Test
  void get_child_mountsAtMnt_refCounted_putUnmountsAtZero() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    Files.writeString(driver.get("base", "").resolve("low.txt"), "low");
    driver.put("base");
    driver.createReadWrite("ctr", "base", CreateOptions.NONE);
    Path p1 = driver.get("ctr", "");
    Path p2 = driver.get("ctr", "");
    assertThat(p1).isEqualTo(home.resolve("mnt/ctr")).isEqualTo(p2);
    assertThat(AufsMounts.mountPointsUnder(home)).containsExactly(home.resolve("mnt/ctr"));
    assertThat(Files.readString(p1.resolve("low.txt"))).isEqualTo("low");
    Files.delete(p1.resolve("low.txt"));
    Files.writeString(p1.resolve("new.txt"), "new");
    assertThat(home.resolve("diff/ctr/.wh.low.txt")).as("aufs whiteout on disk").exists();
    assertThat(home.resolve("diff/ctr/new.txt")).hasContent("new");
    assertThat(home.resolve("diff/base/low.txt")).as("the lower branch is untouched").hasContent("low");
    driver.put("ctr");
    assertThat(AufsMounts.mountPointsUnder(home)).hasSize(1);
    assertThatThrownBy(() -> driver.remove("ctr")).isInstanceOf(LayerInUseException.class);
    driver.put("ctr");
    assertThat(AufsMounts.mountPointsUnder(home)).isEmpty();
    driver.remove("ctr");
    assertThat(home.resolve("diff/ctr")).doesNotExist();
    assertThat(home.resolve("mnt/ctr")).doesNotExist();
    assertThat(home.resolve("layers/ctr")).doesNotExist();
  }

  @Test
  void remove_withChild_refused_bothStayWhole() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    driver.create("child", "base", CreateOptions.NONE);
    assertThatThrownBy(() -> driver.remove("base")).isInstanceOf(LayerInUseException.class)
        .hasMessageContaining("child");
    assertThat(home.resolve("diff/base")).isDirectory();
    assertThat(layersFile("child")).isEqualTo("base\n");
  }

  @Test
  void remove_layerNamedLikeAScratchDir_isNotClobbered() throws IOException {
    driver.create("a", null, CreateOptions.NONE);
    driver.create("a-removing", null, CreateOptions.NONE);
    Files.writeString(home.resolve("diff/a-removing/keep"), "keep");
    driver.remove("a");
    assertThat(home.resolve("diff/a-removing/keep")).hasContent("keep");
    driver.close();
    driver = (AufsDriver) new AufsDriverProvider().open(DriverContext.of(home));
    assertThat(driver.exists("a-removing")).isTrue();
    assertThat(home.resolve("diff/a-removing/keep")).hasContent("keep");
  }

  @Test
  void status_mobysFourPairs() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    driver.create("child", "base", CreateOptions.NONE);
    assertThat(driver.status().lines()).containsExactly("Root Dir: " + home,
        "Backing Filesystem: " + Posix.get().statfs(home).dockerName(), "Dirs: 2",
        "Dirperm1 Supported: true");
    assertThat(driver.metadata("child")).isEqualTo(Map.of());
  }

  @Test
  void capabilities_noHardlinksAcrossLayers_theEngineSplitsThem() {
    assertThat(driver.capabilities()).contains(DriverCapability.NATIVE_DIFF,
        DriverCapability.COPY_ON_WRITE, DriverCapability.RENAME_DIRECTORY_FROM_LOWER,
        DriverCapability.PROCESS_BOUND_MOUNTS, DriverCapability.REQUIRES_ROOT, DriverCapability.XATTRS)
        .doesNotContain(DriverCapability.HARDLINKS_ACROSS_LAYERS, DriverCapability.QUOTA);
  }

  @Test
  void storageOptions_refused_noLayerLeft() {
    assertThatThrownBy(() -> driver.createReadWrite("x", null,
        CreateOptions.withStorageOptions(Map.of("size", "1G"))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("size");
    assertThat(home.resolve("diff/x")).doesNotExist();
    assertThat(home.resolve("layers/x")).doesNotExist();
  }

  @Test
  void driverOptions_refused() {
    assertThatThrownBy(() -> new AufsDriverProvider().open(
        new DriverContext(tmp.resolve("other"), Map.of("aufs.mountopt", "x"))))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("aufs.mountopt");
  }
}
