package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.LayerCorruptException;

/** The JSON files under metadata/, byte for byte as moby writes them. */
class DmMetadataTest {
  @TempDir Path home;
  private DmLayout layout;
  private DmMetadata metadata;

  @BeforeEach
  void setUp() throws Exception {
    layout = new DmLayout(home);
    Files.createDirectories(layout.metadataDir());
    metadata = new DmMetadata(layout);
  }

  @Test
  void deviceRecord_mobyFieldsInMobyOrder() throws Exception {
    metadata.writeDevice(new DeviceRecord("", 1, 10L << 30, 1, true, false, ""));
    assertThat(Files.readString(layout.metadataFile(""))).isEqualTo(
        "{\"device_id\":1,\"size\":10737418240,\"transaction_id\":1,\"initialized\":true,\"deleted\":false}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.metadataFile(""))))
        .isEqualTo("rw-------");
    metadata.writeDevice(new DeviceRecord("child", 3, 512L << 20, 4, false, false, "parent"));
    assertThat(Files.readString(layout.metadataFile("child"))).isEqualTo("{\"device_id\":3,\"size\":536870912,"
        + "\"transaction_id\":4,\"initialized\":false,\"deleted\":false,\"parent\":\"parent\"}");
    assertThat(metadata.readDevice("child")).contains(new DeviceRecord("child", 3, 512L << 20, 4, false, false,
        "parent"));
  }

  @Test
  void transactionAndDeviceSet_mobyFields() throws Exception {
    metadata.writeTransaction(new DmMetadata.Transaction(7, "abc", 5));
    assertThat(Files.readString(layout.transactionFile()))
        .isEqualTo("{\"open_transaction_id\":7,\"device_hash\":\"abc\",\"device_id\":5}");
    assertThat(metadata.readTransaction()).contains(new DmMetadata.Transaction(7, "abc", 5));
    metadata.writeDeviceSet(new DmMetadata.DeviceSetState(5, "u-u-i-d", "ext4"));
    assertThat(Files.readString(layout.deviceSetFile()))
        .isEqualTo("{\"next_device_id\":5,\"BaseDeviceUUID\":\"u-u-i-d\",\"BaseDeviceFilesystem\":\"ext4\"}");
    assertThat(metadata.readDeviceSet()).isEqualTo(new DmMetadata.DeviceSetState(5, "u-u-i-d", "ext4"));
    metadata.removeTransaction();
    assertThat(metadata.readTransaction()).isEmpty();
  }

  @Test
  void dockersOwnRecord_readsWithoutParent() throws Exception {
    Files.writeString(layout.metadataFile("abc"),
        "{\"device_id\":9,\"size\":1024,\"transaction_id\":12,\"initialized\":false,\"deleted\":true}");
    assertThat(metadata.readDevice("abc")).contains(new DeviceRecord("abc", 9, 1024, 12, false, true, ""));
  }

  @Test
  void loadAll_skipsTempsAndDeviceSetFiles() throws Exception {
    metadata.writeDevice(new DeviceRecord("", 1, 100, 1, true, false, ""));
    metadata.writeDevice(new DeviceRecord("base", 2, 100, 2, false, false, ""));
    metadata.writeDevice(new DeviceRecord("l1", 3, 100, 3, false, false, "base"));
    metadata.writeTransaction(new DmMetadata.Transaction(3, "l1", 3));
    metadata.writeDeviceSet(DmMetadata.DeviceSetState.EMPTY);
    Files.writeString(layout.metadataDir().resolve(".tmp-123"), "{half");
    Files.writeString(layout.metadataDir().resolve("json.migrated"), "{}");
    assertThat(metadata.loadAll()).containsOnlyKeys("", "base", "l1");
    assertThat(metadata.loadAll().get("base").deviceId()).isEqualTo(2);
  }

  @Test
  void corruptRecord_isTypedAndNamesTheFile() throws Exception {
    Files.writeString(layout.metadataFile("bad"), "{\"device_id\":");
    assertThatThrownBy(() -> metadata.readDevice("bad")).isInstanceOf(LayerCorruptException.class)
        .hasMessageContaining(layout.metadataFile("bad").toString());
    Files.writeString(layout.metadataFile("bad"), "{\"device_id\":16777216,\"size\":1}");
    assertThatThrownBy(() -> metadata.loadAll()).isInstanceOf(LayerCorruptException.class);
  }
}
