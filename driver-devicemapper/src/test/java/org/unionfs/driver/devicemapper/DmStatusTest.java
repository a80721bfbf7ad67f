package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.unionfs.driver.devicemapper.pool.PoolStatus;

/** docker info's devicemapper lines: moby v24's keys, order and decimal units. */
class DmStatusTest {

  private static DmStatus.Inputs defaults(long dataFsFree) {
    // Docker's defaults: 100 GiB data (1638400 blocks of 64 KiB), 2 GiB metadata (524288 blocks of 4 KiB).
    PoolStatus pool = new PoolStatus(3, 2048, 524288, 3276, 1638400, 65536);
    return new DmStatus.Inputs("docker-8:1-1234-pool", 10L << 30, "ext4",
        Path.of("/var/lib/docker/devicemapper/devicemapper/data"),
        Path.of("/var/lib/docker/devicemapper/devicemapper/metadata"), pool, dataFsFree, -1, 10, 0);
  }

  @Test
  void dockerDefaults_exactLines() {
    assertThat(DmStatus.of(defaults(-1)).lines()).containsExactly(
        "Pool Name: docker-8:1-1234-pool",
        "Pool Blocksize: 65.54kB",
        "Base Device Size: 10.74GB",
        "Backing Filesystem: ext4",
        "Udev Sync Supported: false",
        "Data file: /var/lib/docker/devicemapper/devicemapper/data",
        "Metadata file: /var/lib/docker/devicemapper/devicemapper/metadata",
        "Data loop file: /var/lib/docker/devicemapper/devicemapper/data",
        "Metadata loop file: /var/lib/docker/devicemapper/devicemapper/metadata",
        "Data Space Used: 214.7MB",
        "Data Space Total: 107.4GB",
        "Data Space Available: 107.2GB",
        "Metadata Space Used: 8.389MB",
        "Metadata Space Total: 2.147GB",
        "Metadata Space Available: 2.139GB",
        "Thin Pool Minimum Free Space: 10.74GB",
        "Deferred Removal Enabled: false",
        "Deferred Deletion Enabled: false",
        "Deferred Deleted Device Count: 0",
        "Library Version: " + DmStatus.LIBRARY_VERSION);
  }

  @Test
  void available_cappedByTheFilesystemHoldingTheFile() {
    assertThat(DmStatus.of(defaults(5_000_000_000L)).get("Data Space Available")).contains("5GB");
    assertThat(DmStatus.of(defaults(500_000_000_000L)).get("Data Space Available")).contains("107.2GB");
  }

  @Test
  void devicePrefix_linuxMajorMinorEncoding() {
    assertThat(DmStatus.devicePrefix(0x0801, 1234)).isEqualTo("docker-8:1-1234");
    // major 259, minor 65536 (large numbers use the split encoding)
    long dev = ((259L & 0xfff) << 8) | ((259L & ~0xfffL) << 32) | (65536L & 0xff) | ((65536L & ~0xffL) << 12);
    assertThat(DmStatus.devicePrefix(dev, 7)).isEqualTo("docker-259:65536-7");
  }
}
