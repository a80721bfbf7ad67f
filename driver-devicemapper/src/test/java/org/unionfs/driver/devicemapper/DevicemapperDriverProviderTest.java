package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.registry.DriverRegistry;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.Support;

/** Discovery through ServiceLoader, the probe's reasons, and the capabilities (no root needed). */
class DevicemapperDriverProviderTest {
  @TempDir Path tmp;

  @Test
  void registry_findsDevicemapper_inItsPriorityPlace() {
    DriverRegistry registry = DriverRegistry.load(DevicemapperDriverProvider.class.getClassLoader());
    assertThat(registry.provider("devicemapper")).get().isInstanceOf(DevicemapperDriverProvider.class);
    assertThat(DriverRegistry.DEFAULT_PRIORITY).containsSubsequence("overlay2", "aufs", "devicemapper", "vfs");
  }

  @Test
  void probe_badOptions_saysWhy_andTouchesNothing() {
    Support s = new DevicemapperDriverProvider().probe(
        new DriverContext(tmp.resolve("home"), Map.of("dm.thinpooldev", "/dev/mapper/pool")));
    assertThat(s.supported()).isFalse();
    assertThat(s.reason()).contains("dm.thinpooldev").contains("not supported");
    assertThat(new DevicemapperDriverProvider().probe(
        new DriverContext(tmp.resolve("home"), Map.of("dm.min_free_space", "5"))).reason())
        .contains("dm.min_free_space");
    assertThat(tmp.resolve("home")).doesNotExist();
  }

  @Test
  void probe_onThisHost_isSupportedOrSaysWhatIsMissing() {
    Support s = new DevicemapperDriverProvider().probe(DriverContext.of(tmp.resolve("home")));
    if (!s.supported()) {
      assertThat(s.reason()).containsAnyOf("root", "/dev/fuse", "missing tools");
    }
    assertThat(DevicemapperDriverProvider.requiredTools("ext4")).contains("losetup", "mkfs.ext4", "resize2fs");
    assertThat(DevicemapperDriverProvider.requiredTools("xfs")).contains("mkfs.xfs", "xfs_growfs");
  }

  @Test
  void capabilities_blockLevelSnapshots() {
    assertThat(new DevicemapperDriverProvider().capabilities()).contains(DriverCapability.COPY_ON_WRITE,
        DriverCapability.HARDLINKS_ACROSS_LAYERS, DriverCapability.RENAME_DIRECTORY_FROM_LOWER,
        DriverCapability.XATTRS, DriverCapability.REQUIRES_ROOT, DriverCapability.PROCESS_BOUND_MOUNTS)
        .doesNotContain(DriverCapability.NATIVE_DIFF, DriverCapability.QUOTA);
  }
}
