package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mounts described as moby's MountDevice builds them, flags split from data as moby's parseOptions. */
class DeviceMountTest {
  private static final Path LOOP = Path.of("/dev/loop7");
  private static final Path MNT = Path.of("/home/mnt/abc");

  @Test
  void ext4_plain() {
    DeviceMount m = DeviceMount.describe("ext4", LOOP, MNT, List.of(), "");
    assertThat(m).isEqualTo(new DeviceMount("/dev/loop7", MNT, "ext4", 0, ""));
  }

  @Test
  void xfs_nouuidFirst_thenMountopt_thenLabel() {
    DeviceMount m = DeviceMount.describe("xfs", LOOP, MNT, List.of("discard", "nodev", "noatime"), "system_u:x");
    assertThat(m.data()).isEqualTo("nouuid,discard,context=\"system_u:x\"");
    assertThat(m.flags()).isEqualTo(DeviceMount.MS_NODEV | DeviceMount.MS_NOATIME);
  }

  @Test
  void clearingFlags_undoEarlierOnes() {
    DeviceMount m = DeviceMount.describe("ext4", LOOP, MNT, List.of("ro", "nosuid", "rw", "defaults"), null);
    assertThat(m.flags()).isEqualTo(DeviceMount.MS_NOSUID);
    assertThat(m.data()).isEmpty();
  }
}
