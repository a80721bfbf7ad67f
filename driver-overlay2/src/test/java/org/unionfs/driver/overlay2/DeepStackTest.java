package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.spi.DriverContext;

/**
 * A 128-layer stack under a home path of more than 600 characters mounts for real: the absolute mount
 * data would be about 80 KiB, so the driver must fall back to paths relative to the home, mounted by
 * mount(8) from the home (moby's {@code mountFrom}).
 */
class DeepStackTest {
  @TempDir Path tmp;

  @Test
  void stackOf128_underLongHome_mountsWithRelativePathsAndReadsEveryLayer() throws Exception {
    Host.assumeOverlay();
    Path home = tmp.resolve("a".repeat(200)).resolve("b".repeat(200)).resolve("c".repeat(200))
        .resolve("overlay2");
    RecordingMounter mounter = new RecordingMounter(KernelMounter.system());
    try (Overlay2Driver driver = Overlay2DriverProvider.open(DriverContext.of(home), mounter,
        OverlayProbe.system())) {
      driver.create("base", null, CreateOptions.NONE);
      Files.writeString(driver.get("base", "").resolve("testfile.txt"), "test content");
      driver.put("base");
      List<String> ids = new ArrayList<>();
      String parent = "base";
      for (int i = 1; i <= 128; i++) {
        String id = "layer" + i;
        driver.create(id, parent, CreateOptions.NONE);
        Path view = driver.get(id, "");
        Files.writeString(view.resolve("top-id"), id);
        Files.createDirectory(view.resolve("layer-" + i));
        Files.writeString(view.resolve("layer-" + i).resolve("parent-id"), parent);
        driver.put(id);
        ids.add(id);
        parent = id;
      }
      assertThat(Files.readString(home.resolve("layer128/lower")).split(":")).hasSize(128);

      String top = "layer128"; // 128 lowers: read-write mount of base..layer127 under its own diff
      Path view = driver.get(top, "");
      try {
        MountSpec last = mounter.mounts.get(mounter.mounts.size() - 1);
        assertThat(last.relativeTo()).isEqualTo(home);
        assertThat(last.readOnly()).isFalse();
        assertThat(OverlayMounts.fits(last, driver.support())).isTrue();
        assertThat(Overlay2DriverTest.mounted(view)).isTrue();
        assertThat(Files.readString(view.resolve("testfile.txt"))).isEqualTo("test content");
        assertThat(Files.readString(view.resolve("top-id"))).isEqualTo(top);
        String expected = top;
        for (int i = 128; i >= 1; i--) {
          assertThat(ids.get(i - 1)).isEqualTo(expected);
          expected = Files.readString(view.resolve("layer-" + i).resolve("parent-id"));
        }
        assertThat(expected).isEqualTo("base");
      } finally {
        driver.put(top);
      }
      // layer127 is committed (layer128 was created on it): read-only mount of its diff + 127 lowers.
      Path committed = driver.get("layer127", "");
      try {
        MountSpec last = mounter.mounts.get(mounter.mounts.size() - 1);
        assertThat(last.readOnly()).isTrue();
        assertThat(last.relativeTo()).isEqualTo(home);
        assertThat(Files.readString(committed.resolve("top-id"))).isEqualTo("layer127");
        assertThat(committed.resolve("layer-128")).doesNotExist();
      } finally {
        driver.put("layer127");
      }
      assertThat(Overlay2DriverTest.mounted(view)).isFalse();
      assertThat(view).doesNotExist();
      long relative = mounter.mounts.stream().filter(m -> m.relativeTo() != null).count();
      assertThat(relative).as("mounts that needed the relative fallback").isGreaterThan(100);
    }
  }
}
