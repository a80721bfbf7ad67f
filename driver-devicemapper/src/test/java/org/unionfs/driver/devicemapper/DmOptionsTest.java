package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;

/** Driver options as moby's NewDeviceSet reads them; refusals are typed and name the option. */
class DmOptionsTest {

  @Test
  void defaults_areDockersLoopLvm() throws Exception {
    DmOptions o = DmOptions.parse(Map.of());
    assertThat(o).isEqualTo(DmOptions.defaults());
    assertThat(o.baseSize()).isEqualTo(10L << 30);
    assertThat(o.baseSizeGiven()).isFalse();
    assertThat(o.dataSize()).isEqualTo(100L << 30);
    assertThat(o.metadataSize()).isEqualTo(2L << 30);
    assertThat(o.blockSize()).isEqualTo(65536);
    assertThat(o.filesystem()).isEqualTo("ext4");
    assertThat(o.minFreeSpacePercent()).isEqualTo(10);
    assertThat(o.mkfsArgs()).isEmpty();
    assertThat(o.mountOptions()).isEmpty();
  }

  @Test
  void sizes_binaryUnits_keysCaseInsensitive() throws Exception {
    DmOptions o = DmOptions.parse(Map.of("DM.BaseSize", "20G", "dm.loopdatasize", "2g",
        "dm.loopmetadatasize", "64M", "dm.blocksize", "512K"));
    assertThat(o.baseSize()).isEqualTo(20L << 30);
    assertThat(o.baseSizeGiven()).isTrue();
    assertThat(o.dataSize()).isEqualTo(2L << 30);
    assertThat(o.metadataSize()).isEqualTo(64L << 20);
    assertThat(o.blockSize()).isEqualTo(512 << 10);
    assertThat(o.poolConfig().blockSize()).isEqualTo(512 << 10);
  }

  @Test
  void fsMkfsArgAndMountOpt() throws Exception {
    DmOptions o = DmOptions.parse(Map.of("dm.fs", "xfs", "dm.mkfsarg", "-m crc=1  -K",
        "dm.mountopt", "nodev, noatime,discard"));
    assertThat(o.filesystem()).isEqualTo("xfs");
    assertThat(o.mkfsArgs()).containsExactly("-m", "crc=1", "-K");
    assertThat(o.mountOptions()).containsExactly("nodev", "noatime", "discard");
  }

  @Test
  void minFreeSpace_percentRules() throws Exception {
    assertThat(DmOptions.parse(Map.of("dm.min_free_space", "0%")).minFreeSpacePercent()).isZero();
    assertThat(DmOptions.parse(Map.of("dm.min_free_space", "25%")).minFreeSpacePercent()).isEqualTo(25);
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.min_free_space", "10")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.min_free_space")
        .hasMessageContaining("% suffix");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.min_free_space", "100%")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.min_free_space");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.min_free_space", "-1%")))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void malformedValues_refusedByName() {
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.fs", "btrfs")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.fs=btrfs");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.basesize", "ten gigs")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.basesize");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.basesize", "0")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.basesize");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.blocksize", "96K")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.blocksize");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.xfs_nospace_max_retries", "-3")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.xfs_nospace_max_retries");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.libdm_log_level", "9")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.libdm_log_level");
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.blkdiscard", "maybe")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.blkdiscard");
  }

  @Test
  void unknownKey_refusedByName() {
    assertThatThrownBy(() -> DmOptions.parse(Map.of("dm.basesise", "10G")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("dm.basesise");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dm.thinpooldev", "dm.datadev", "dm.metadatadev", "dm.directlvm_device",
      "dm.thinp_percent"})
  void kernelPoolOptions_notSupported(String key) {
    assertThatThrownBy(() -> DmOptions.parse(Map.of(key, "/dev/mapper/x")))
        .isInstanceOf(NotSupportedException.class).hasMessageContaining(key);
  }

  @Test
  void deferredRemovalAndDeletion_onlyOff() throws Exception {
    DmOptions.parse(Map.of("dm.use_deferred_removal", "false", "dm.use_deferred_deletion", "false",
        "dm.blkdiscard", "false", "dm.override_udev_sync_check", "true", "dm.libdm_log_level", "3"));
    for (String key : List.of("dm.use_deferred_removal", "dm.use_deferred_deletion")) {
      assertThatThrownBy(() -> DmOptions.parse(Map.of(key, "true")))
          .isInstanceOf(NotSupportedException.class).hasMessageContaining(key);
    }
  }
}
