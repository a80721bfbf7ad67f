package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.driver.devicemapper.pool.DeviceImages;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/** moby's mkfs/tune2fs/grow command lines, and the filesystem identity read from a thin device. */
class FsToolsTest {
  @TempDir Path tmp;
  private static final Path DEV = Path.of("/dev/loop3");

  @Test
  void mkfs_mobysExt4OptionsWithFallback() {
    assertThat(FsTools.mkfs("ext4", List.of("-b", "4096"), DEV)).containsExactly(
        List.of("mkfs.ext4", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0", "-b", "4096", "/dev/loop3"),
        List.of("mkfs.ext4", "-E", "nodiscard,lazy_itable_init=0", "-b", "4096", "/dev/loop3"));
    assertThat(FsTools.mkfs("xfs", List.of(), DEV)).containsExactly(List.of("mkfs.xfs", "/dev/loop3"));
    assertThat(FsTools.tune2fs(DEV)).containsExactly("tune2fs", "-c", "-1", "-i", "0", "/dev/loop3");
  }

  @Test
  void grow_resize2fsOnTheDevice_xfsGrowfsOnTheMountPoint() {
    assertThat(FsTools.growFs("ext4", DEV, Path.of("/m"))).containsExactly("resize2fs", "/dev/loop3");
    assertThat(FsTools.growFs("xfs", DEV, Path.of("/m"))).containsExactly("xfs_growfs", "/m");
  }

  @Test
  void run_failureNamesCommandAndOutput() {
    assertThatThrownBy(() -> FsTools.run(List.of("sh", "-c", "echo broken >&2; exit 3")))
        .isInstanceOf(IOException.class).hasMessageContaining("exit code 3").hasMessageContaining("broken");
  }

  @Test
  void identify_ext4AndXfsFromThePool() throws Exception {
    assumeTrue(FsTools.onPath("mkfs.ext4") && FsTools.onPath("mkfs.xfs"), "e2fsprogs and xfsprogs needed");
    try (ThinPool pool = ThinPool.create(tmp.resolve("dm"), new PoolConfig(1L << 30, 4L << 20, 64 << 10))) {
      Path ext4 = tmp.resolve("ext4.img");
      FsTools.run(List.of("truncate", "-s", "64M", ext4.toString()));
      FsTools.run(List.of("mkfs.ext4", "-q", "-F", "-U", "0f0e0d0c-0b0a-0908-0706-050403020100", ext4.toString()));
      pool.createThin(1);
      DeviceImages.importFrom(pool, 1, ext4);
      assertThat(FsTools.identify(pool, 1))
          .contains(new FsTools.Identity("ext4", "0f0e0d0c-0b0a-0908-0706-050403020100"));

      Path xfs = tmp.resolve("xfs.img");
      FsTools.run(List.of("truncate", "-s", "320M", xfs.toString()));
      FsTools.run(List.of("mkfs.xfs", "-q", "-m", "uuid=11111111-2222-3333-4444-555555555555", xfs.toString()));
      pool.createThin(2);
      DeviceImages.importFrom(pool, 2, xfs);
      assertThat(FsTools.identify(pool, 2))
          .contains(new FsTools.Identity("xfs", "11111111-2222-3333-4444-555555555555"));

      pool.createThin(3);
      pool.write(3, 0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(FsTools.identify(pool, 3)).isEmpty();
    }
  }
}
