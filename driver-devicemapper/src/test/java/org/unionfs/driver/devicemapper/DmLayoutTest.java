package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Docker's paths, and metadata file names that never collide with Docker's own files. */
class DmLayoutTest {
  private final DmLayout layout = new DmLayout(Path.of("/var/lib/docker/devicemapper"));

  @Test
  void dockersPaths() {
    assertThat(layout.poolDir()).isEqualTo(Path.of("/var/lib/docker/devicemapper/devicemapper"));
    assertThat(layout.metadataFile("")).isEqualTo(Path.of("/var/lib/docker/devicemapper/metadata/base"));
    assertThat(layout.metadataFile("abc")).isEqualTo(Path.of("/var/lib/docker/devicemapper/metadata/abc"));
    assertThat(layout.transactionFile().getFileName().toString()).isEqualTo("transaction-metadata");
    assertThat(layout.deviceSetFile().getFileName().toString()).isEqualTo("deviceset-metadata");
    assertThat(layout.rootfs("abc")).isEqualTo(Path.of("/var/lib/docker/devicemapper/mnt/abc/rootfs"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "base", "deviceset-metadata", "transaction-metadata", "x.migrated", "_base"})
  void fileName_roundTrips(String id) {
    String name = DmLayout.fileName(id);
    assertThat(DmLayout.hashOf(name)).isEqualTo(id);
    assertThat(name).isNotIn("base", "deviceset-metadata", "transaction-metadata");
  }

  @Test
  void specialFiles_holdNoDevice() {
    assertThat(DmLayout.hashOf("base")).isEmpty();
    assertThat(DmLayout.hashOf("deviceset-metadata")).isNull();
    assertThat(DmLayout.hashOf("transaction-metadata")).isNull();
    assertThat(DmLayout.hashOf(".tmp123")).isNull();
    assertThat(DmLayout.hashOf("json.migrated")).isNull();
  }
}
