package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.Sizes;

/**
 * What the conformance suite does not look at (root): Docker's files after a create, the size option
 * growing a device and its filesystem, dm.basesize growing the base on a reopen, the status and
 * metadata of a live driver, xfs, a base device from another pool, and one process per home.
 */
class DevicemapperDriverTest {
  @TempDir Path tmp;
  private Path home;

  @BeforeEach
  void setUp() {
    DmHost.assumeSupported();
    home = tmp.resolve("home");
  }

  private GraphDriver open(Map<String, String> extra) throws Exception {
    Map<String, String> options = new HashMap<>(DmHost.SMALL);
    options.putAll(extra);
    return new DevicemapperDriverProvider().open(new DriverContext(home, options));
  }

  /** Total size in bytes of the filesystem mounted at {@code path}. */
  private static long fsSize(Path path) throws Exception {
    var s = Posix.get().statfs(path);
    return s.blocks() * s.blockSize();
  }

  @Test
  void create_writesDockersFiles_andGetMountsRootfs() throws Exception {
    try (GraphDriver d = open(Map.of())) {
      d.create("img", null, CreateOptions.NONE);
      d.createReadWrite("ctr", "img", CreateOptions.NONE);
      Path meta = home.resolve("metadata");
      assertThat(Files.readString(meta.resolve("base"))).startsWith("{\"device_id\":1,\"size\":134217728,")
          .contains("\"initialized\":true");
      assertThat(Files.readString(meta.resolve("img")))
          .isEqualTo("{\"device_id\":2,\"size\":134217728,\"transaction_id\":2,\"initialized\":false,\"deleted\":false}");
      assertThat(Files.readString(meta.resolve("ctr"))).contains("\"device_id\":3").endsWith(",\"parent\":\"img\"}");
      assertThat(Files.readString(meta.resolve("transaction-metadata")))
          .isEqualTo("{\"open_transaction_id\":3,\"device_hash\":\"ctr\",\"device_id\":3}");
      Path rootfs = d.get("ctr", "");
      assertThat(rootfs).isEqualTo(home.resolve("mnt/ctr/rootfs"));
      assertThat(Files.readString(home.resolve("mnt/ctr/id"))).isEqualTo("ctr");
      assertThat(Files.exists(home.resolve("mnt/ctr/lost+found"))).as("lost+found outside the layer").isTrue();
      try (var entries = Files.list(rootfs)) {
        assertThat(entries.toList()).isEmpty();
      }
      d.put("ctr");
      assertThat(Files.exists(home.resolve("mnt/ctr"))).as("put removes the mount point").isFalse();
      assertThat(d.metadata("ctr")).containsEntry("DeviceId", "3").containsEntry("DeviceSize", "134217728")
          .hasEntrySatisfying("DeviceName", n -> assertThat(n).matches("docker-\\d+:\\d+-\\d+-ctr"));
    }
    // saved at the base's creation and on close, as moby saves it
    assertThat(Files.readString(home.resolve("metadata/deviceset-metadata")))
        .matches("\\{\"next_device_id\":3,\"BaseDeviceUUID\":\"[0-9a-f-]{36}\",\"BaseDeviceFilesystem\":\"ext4\"}");
  }

  @Test
  void sizeOption_growsDeviceAndFilesystem_neverShrinks() throws Exception {
    try (GraphDriver d = open(Map.of())) {
      d.create("small", null, CreateOptions.NONE);
      long before = fsSize(d.get("small", ""));
      d.put("small");
      d.createReadWrite("big", "small", CreateOptions.withStorageOptions(Map.of("size", "300M")));
      assertThat(d.metadata("big")).containsEntry("DeviceSize", Long.toString(300L << 20));
      long after = fsSize(d.get("big", ""));
      d.put("big");
      assertThat(after).as("filesystem of the 300M layer").isGreaterThan(before + (150L << 20));
      assertThatThrownBy(() -> d.createReadWrite("tiny", "big", CreateOptions.withStorageOptions(Map.of("size", "200M"))))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("size")
          .hasMessageContaining("Container size cannot be smaller than 314.6MB");
      assertThat(d.exists("tiny")).isFalse();
      assertThatThrownBy(() -> d.createReadWrite("odd", "big", CreateOptions.withStorageOptions(Map.of("sise", "1G"))))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("sise");
    }
    assertThat(DmCheck.check(home).problems()).isEmpty();
  }

  @Test
  void basesize_growsTheBaseOnReopen_refusesToShrink() throws Exception {
    open(Map.of()).close();
    try (GraphDriver d = open(Map.of("dm.basesize", "256M"))) {
      assertThat(d.status().get("Base Device Size")).contains("268.4MB");
      d.create("l", null, CreateOptions.NONE);
      assertThat(fsSize(d.get("l", ""))).isGreaterThan(200L << 20);
      d.put("l");
    }
    assertThatThrownBy(() -> open(Map.of("dm.basesize", "128M")))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("Base device size cannot be smaller than 268.4MB");
    Map<String, String> withoutBaseSize = new HashMap<>(DmHost.SMALL);
    withoutBaseSize.remove("dm.basesize");
    try (GraphDriver d = new DevicemapperDriverProvider().open(new DriverContext(home, withoutBaseSize))) {
      assertThat(d.status().get("Base Device Size")).as("without dm.basesize the base keeps its size")
          .contains("268.4MB");
    }
  }

  @Test
  void status_liveDriver() throws Exception {
    try (GraphDriver d = open(Map.of())) {
      var st = Posix.get().lstat(home);
      var s = d.status();
      assertThat(s.entries()).extracting(e -> e.key()).containsExactly("Pool Name", "Pool Blocksize",
          "Base Device Size", "Backing Filesystem", "Udev Sync Supported", "Data file", "Metadata file",
          "Data loop file", "Metadata loop file", "Data Space Used", "Data Space Total", "Data Space Available",
          "Metadata Space Used", "Metadata Space Total", "Metadata Space Available",
          "Thin Pool Minimum Free Space", "Deferred Removal Enabled", "Deferred Deletion Enabled",
          "Deferred Deleted Device Count", "Library Version");
      assertThat(s.get("Pool Name")).contains(DmStatus.devicePrefix(st.dev(), st.ino()) + "-pool");
      assertThat(s.get("Pool Blocksize")).contains("65.54kB");
      assertThat(s.get("Base Device Size")).contains("134.2MB");
      assertThat(s.get("Backing Filesystem")).contains("ext4");
      assertThat(s.get("Data Space Total")).contains("536.9MB");
      assertThat(s.get("Metadata Space Total")).contains("16.78MB");
      assertThat(s.get("Thin Pool Minimum Free Space")).contains(Sizes.humanSize(819 * 65536.0));
      assertThat(s.get("Data file")).contains(home.resolve("devicemapper/data").toString());
    }
  }

  @Test
  void xfs_basesAndLayersWork() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(FsTools.onPath("mkfs.xfs"), "xfsprogs not installed");
    // xfs needs at least 300 MiB per filesystem
    try (GraphDriver d = open(Map.of("dm.fs", "xfs", "dm.basesize", "320M", "dm.loopdatasize", "1G",
        "dm.xfs_nospace_max_retries", "0"))) {
      assertThat(d.status().get("Backing Filesystem")).contains("xfs");
      d.create("a", null, CreateOptions.NONE);
      Path a = d.get("a", "");
      Files.writeString(a.resolve("f"), "xfs");
      long baseFs = fsSize(a);
      d.put("a");
      d.createReadWrite("b", "a", CreateOptions.withStorageOptions(Map.of("size", "400M")));
      Path b = d.get("b", "");
      assertThat(Files.readString(b.resolve("f"))).isEqualTo("xfs");
      assertThat(fsSize(b)).as("grown by xfs_growfs").isGreaterThan(baseFs + (60L << 20));
      d.put("b");
    }
  }

  @Test
  void baseFromAnotherPool_refused() throws Exception {
    open(Map.of()).close();
    Path devset = home.resolve("metadata/deviceset-metadata");
    Files.writeString(devset, Files.readString(devset).replaceFirst("\"BaseDeviceUUID\":\"[^\"]*\"",
        "\"BaseDeviceUUID\":\"00000000-0000-0000-0000-000000000000\""));
    assertThatThrownBy(() -> open(Map.of())).isInstanceOf(LayerCorruptException.class)
        .hasMessageContaining("does not match with stored UUID:00000000-0000-0000-0000-000000000000");
    // the refused open left nothing locked or mounted: a second one is refused the same way
    assertThatThrownBy(() -> open(Map.of())).isInstanceOf(LayerCorruptException.class);
    assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains(home.toString()));
  }

  @Test
  void secondOpenOfOneHome_refused() throws Exception {
    try (GraphDriver d = open(Map.of())) {
      assertThatThrownBy(() -> open(Map.of())).isInstanceOf(LayerInUseException.class)
          .hasMessageContaining("open in another process");
      d.create("still", null, CreateOptions.NONE);
    }
  }
}
