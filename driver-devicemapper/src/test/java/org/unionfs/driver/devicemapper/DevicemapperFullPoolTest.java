package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.driver.devicemapper.pool.PoolVerifier;

/**
 * A pool smaller than its devices, filled through a mounted layer (root): the writer gets an error
 * (ENOSPC from the pool, EIO or ENOSPC from the filesystem), the pool stays consistent, new snapshots
 * are refused below dm.min_free_space, and removing the layer makes room for a new one that works.
 */
class DevicemapperFullPoolTest {
  private static final Map<String, String> OVERCOMMITTED = Map.of("dm.loopdatasize", "256M",
      "dm.loopmetadatasize", "16M", "dm.basesize", "512M");
  @TempDir Path tmp;

  @BeforeEach
  void requireHost() {
    DmHost.assumeSupported();
  }

  /** Writes random 1 MiB chunks until {@code bytes} or an error, then fsyncs; returns the error. */
  private static IOException fill(Path file, long bytes) {
    byte[] chunk = new byte[1 << 20];
    Random random = new Random(1);
    try (OutputStream out = Files.newOutputStream(file);
        FileChannel sync = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (long done = 0; done < bytes; done += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk);
        if (done % (16 << 20) == 0) {
          sync.force(true);
        }
      }
      sync.force(true);
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  @Test
  void fullPool_errorSurfaces_poolConsistent_removingMakesRoom() throws Exception {
    Path home = tmp.resolve("home");
    try (GraphDriver d = new DevicemapperDriverProvider().open(new DriverContext(home, OVERCOMMITTED))) {
      d.createReadWrite("full", null, CreateOptions.NONE);
      Path root = d.get("full", "");
      IOException failure = fill(root.resolve("big"), 400L << 20);
      assertThat(failure).as("writing 400 MiB into a 256 MiB pool").isNotNull();
      assertThat(failure.getMessage()).containsAnyOf("No space left on device", "Input/output error",
          "Read-only file system");
      assertThat(d.status().get("Data Space Available")).as("pool data left").hasValueSatisfying(
          v -> assertThat(v).matches("\\d+(\\.\\d+)?[kM]?B"));
      try {
        d.put("full");
      } catch (IOException e) {
        throw new AssertionError("put after the pool filled up", e);
      }
      assertThat(PoolVerifier.check(new DmLayout(home).poolDir()).problems()).isEmpty();

      assertThatThrownBy(() -> d.createReadWrite("next", null, CreateOptions.NONE))
          .as("a snapshot below dm.min_free_space").isInstanceOf(PosixException.class)
          .satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(Posix.ENOSPC))
          .hasMessageContaining("dm.min_free_space");
      assertThat(d.exists("next")).isFalse();

      d.remove("full");
      d.createReadWrite("next", null, CreateOptions.NONE);
      Path next = d.get("next", "");
      assertThat(fill(next.resolve("data"), 64L << 20)).as("64 MiB after the remove").isNull();
      d.put("next");
    }
    assertThat(DmCheck.check(home).problems()).isEmpty();
  }
}
