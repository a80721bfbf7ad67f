package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.spi.DriverContext;

/**
 * The {@code size} storage option and the {@code overlay2.size} driver option on a loop-mounted xfs with
 * project quotas, as graphtest's {@code DriverTestSetQuota}: 25 MiB fit in 50M, 50 MiB more do not.
 */
class QuotaTest {
  @TempDir Path tmp;

  @Test
  void sizeOption_onXfsWithPquota_limitsTheReadWriteLayer() throws Exception {
    Host.assumeOverlay();
    try (LoopXfs xfs = LoopXfs.mount("pquota");
        GraphDriver driver = new Overlay2DriverProvider().open(DriverContext.of(xfs.path().resolve("overlay2")))) {
      assertThat(driver.capabilities()).contains(DriverCapability.QUOTA);
      assertThat(driver.status().get("Backing Filesystem")).contains("xfs");
      createBase(driver);
      driver.createReadWrite("BaseTest", "Base", CreateOptions.withStorageOptions(Map.of("size", "50M")));
      assertLimitedTo50M(driver, "BaseTest");
      driver.remove("BaseTest");
    }
  }

  @Test
  void driverSizeOption_isTheDefaultOfReadWriteLayers() throws Exception {
    Host.assumeOverlay();
    try (LoopXfs xfs = LoopXfs.mount("pquota");
        GraphDriver driver = new Overlay2DriverProvider().open(new DriverContext(
            xfs.path().resolve("overlay2"), Map.of("overlay2.size", "50M")))) {
      createBase(driver);
      driver.createReadWrite("ctr", "Base", CreateOptions.NONE);
      assertLimitedTo50M(driver, "ctr");
      // Image layers get no default quota.
      driver.create("img", "Base", CreateOptions.NONE);
    }
  }

  @Test
  void sizeOption_onXfsWithoutPquota_notSupportedWithDockersMessage() throws Exception {
    Host.assumeOverlay();
    try (LoopXfs xfs = LoopXfs.mount("");
        GraphDriver driver = new Overlay2DriverProvider().open(DriverContext.of(xfs.path().resolve("overlay2")))) {
      assertThat(driver.capabilities()).doesNotContain(DriverCapability.QUOTA);
      driver.create("Base", null, CreateOptions.NONE);
      assertThatThrownBy(() -> driver.createReadWrite("t", "Base",
          CreateOptions.withStorageOptions(Map.of("size", "50M"))))
          .isInstanceOf(NotSupportedException.class)
          .hasMessageContaining("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
      assertThat(driver.exists("t")).isFalse();
    }
  }

  @Test
  void driverSizeOption_withoutProjectQuota_refusedAtOpen() throws Exception {
    Host.assumeOverlay();
    assertThatThrownBy(() -> new Overlay2DriverProvider().open(new DriverContext(tmp.resolve("overlay2"),
        Map.of("overlay2.size", "10G"))))
        .isInstanceOf(NotSupportedException.class)
        .hasMessageContaining("Storage option overlay2.size not supported");
  }

  private static void createBase(GraphDriver driver) throws IOException {
    driver.createReadWrite("Base", null, CreateOptions.NONE);
    Path base = driver.get("Base", "");
    Files.writeString(base.resolve("a file"), "Some data");
    driver.put("Base");
  }

  private static void assertLimitedTo50M(GraphDriver driver, String id) throws IOException {
    Path view = driver.get(id, "");
    try {
      write(view.resolve("smallfile"), 25L << 20);
      assertThatThrownBy(() -> write(view.resolve("bigfile"), 50L << 20))
          .isInstanceOf(IOException.class)
          .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("Disk quota exceeded", "No space left"));
    } finally {
      driver.put(id);
    }
  }

  private static void write(Path file, long bytes) throws IOException {
    byte[] chunk = new byte[1 << 20];
    new Random(1).nextBytes(chunk);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long done = 0; done < bytes; done += chunk.length) {
        out.write(chunk);
      }
      out.flush();
    }
  }
}
