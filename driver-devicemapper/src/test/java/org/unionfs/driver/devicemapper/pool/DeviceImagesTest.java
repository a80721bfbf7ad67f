package org.unionfs.driver.devicemapper.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ext4 filesystem made without root (mkfs.ext4 -d) lives on a thin device: a snapshot of it is
 * changed (debugfs -w on an export, imported back) while the origin stays as it was, e2fsck finds
 * both clean, and the snapshot costs only the blocks that changed.
 */
class DeviceImagesTest {
  @TempDir Path tmp;

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  @Test
  void ext4OnAThinDeviceAndItsSnapshot() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4")) && Files.isExecutable(Path.of("/usr/sbin/debugfs")),
        "e2fsprogs not installed");
    Path stage = Files.createDirectories(tmp.resolve("stage/etc"));
    Files.writeString(stage.resolve("hostname"), "thin-one\n");
    Path img = tmp.resolve("base.img");
    run("truncate", "-s", "64M", img.toString());
    run("mkfs.ext4", "-q", "-F", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0", "-d",
        tmp.resolve("stage").toString(), img.toString());
    long size = Files.size(img);
    try (ThinPool p = ThinPool.create(tmp.resolve("dm"), new PoolConfig(1L << 30, 1 << 20, 64 << 10))) {
      p.createThin(1);
      long written = DeviceImages.importFrom(p, 1, img);
      assertThat(written).isPositive().isLessThan(size / p.blockSize()); // zero blocks stay unmapped
      p.createSnap(2, 1);
      p.commit();
      long shared = p.status().usedDataBlocks();

      Path snapImg = tmp.resolve("snap.img");
      DeviceImages.exportTo(p, 2, size, snapImg);
      run("e2fsck", "-fn", snapImg.toString());
      assertThat(run("debugfs", "-R", "cat /etc/hostname", snapImg.toString())).contains("thin-one");
      Path note = Files.writeString(tmp.resolve("note"), "written in the snapshot\n");
      run("debugfs", "-w", "-R", "write " + note + " /note", snapImg.toString());
      DeviceImages.importFrom(p, 2, snapImg);
      p.commit();
      assertThat(p.status().usedDataBlocks() - shared).as("blocks copied on write").isPositive().isLessThan(16);
      assertThat(p.verify()).isEmpty();

      Path originImg = tmp.resolve("origin.img");
      DeviceImages.exportTo(p, 1, size, originImg);
      assertThat(Files.mismatch(originImg, img)).isEqualTo(-1L); // the origin is byte for byte the mkfs image
      DeviceImages.exportTo(p, 2, size, snapImg);
      run("e2fsck", "-fn", snapImg.toString());
      assertThat(run("debugfs", "-R", "cat /note", snapImg.toString())).contains("written in the snapshot");
      assertThat(run("debugfs", "-R", "ls /", originImg.toString())).doesNotContain("note");
    }
    assertThat(PoolVerifier.check(tmp.resolve("dm")).problems()).isEmpty();
  }
}
