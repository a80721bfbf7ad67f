package org.unionfs.driver.devicemapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.internal.AtomicFiles;

/**
 * The JSON files under {@code <home>/metadata}, with moby's field names, each written by temp file,
 * fsync and rename (moby's {@code writeMetaFile}):
 * <pre>
 *   &lt;hash&gt;, base          {"device_id":1,"size":10737418240,"transaction_id":1,"initialized":true,"deleted":false}
 *   transaction-metadata  {"open_transaction_id":2,"device_hash":"abc","device_id":2}
 *   deviceset-metadata    {"next_device_id":2,"BaseDeviceUUID":"...","BaseDeviceFilesystem":"ext4"}
 * </pre>
 * A device record may carry {@code "parent"} (ours; moby ignores fields it does not know).
 */
final class DmMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PERMISSIONS = "rw-------";

  /**
   * moby's open transaction: the transaction id the pool will have once the change of device
   * {@code deviceId} ({@code deviceHash}) is complete.
   */
  record Transaction(long openTransactionId, String deviceHash, int deviceId) {}

  /** moby's {@code DeviceSet} fields that are saved: the next device id to try and the base's identity. */
  record DeviceSetState(int nextDeviceId, String baseDeviceUuid, String baseDeviceFilesystem) {
    static final DeviceSetState EMPTY = new DeviceSetState(0, "", "");
  }

  private final DmLayout layout;

  DmMetadata(DmLayout layout) {
    this.layout = layout;
  }

  // ---- devices ----

  void writeDevice(DeviceRecord r) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("device_id", r.deviceId());
    n.put("size", r.size());
    n.put("transaction_id", r.transactionId());
    n.put("initialized", r.initialized());
    n.put("deleted", r.deleted());
    if (!r.parent().isEmpty()) {
      n.put("parent", r.parent());
    }
    write(layout.metadataFile(r.hash()), n);
  }

  void removeDevice(String hash) throws IOException {
    Files.deleteIfExists(layout.metadataFile(hash));
  }

  /** The record of {@code hash}, or empty if it has no metadata file. */
  Optional<DeviceRecord> readDevice(String hash) throws IOException {
    Path file = layout.metadataFile(hash);
    JsonNode n = read(file);
    if (n == null) {
      return Optional.empty();
    }
    long id = n.path("device_id").asLong(-1);
    long size = n.path("size").asLong(-1);
    String parent = n.path("parent").asText("");
    if (id < 0 || id > org.unionfs.driver.devicemapper.pool.ThinPool.MAX_DEVICE_ID || size < 0
        || (!parent.isEmpty() && !LayerIds.isValid(parent))) {
      throw new LayerCorruptException("devicemapper: " + file + ": bad device record " + n);
    }
    return Optional.of(new DeviceRecord(hash, (int) id, size, n.path("transaction_id").asLong(0),
        n.path("initialized").asBoolean(false), n.path("deleted").asBoolean(false), parent));
  }

  /** Every device record, by hash ("" is the base device), as moby's {@code loadDeviceFilesOnStart}. */
  Map<String, DeviceRecord> loadAll() throws IOException {
    Map<String, DeviceRecord> all = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.metadataDir())) {
      for (Path p : ds) {
        String hash = DmLayout.hashOf(p.getFileName().toString());
        if (hash == null || Files.isDirectory(p) || (!hash.isEmpty() && !LayerIds.isValid(hash))) {
          continue;
        }
        readDevice(hash).ifPresent(r -> all.put(hash, r));
      }
    }
    return all;
  }

  // ---- the device set ----

  void writeTransaction(Transaction t) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("open_transaction_id", t.openTransactionId());
    n.put("device_hash", t.deviceHash());
    n.put("device_id", t.deviceId());
    write(layout.transactionFile(), n);
  }

  Optional<Transaction> readTransaction() throws IOException {
    JsonNode n = read(layout.transactionFile());
    if (n == null) {
      return Optional.empty();
    }
    return Optional.of(new Transaction(n.path("open_transaction_id").asLong(0),
        n.path("device_hash").asText(""), n.path("device_id").asInt(0)));
  }

  void removeTransaction() throws IOException {
    Files.deleteIfExists(layout.transactionFile());
  }

  void writeDeviceSet(DeviceSetState s) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("next_device_id", s.nextDeviceId());
    n.put("BaseDeviceUUID", s.baseDeviceUuid());
    n.put("BaseDeviceFilesystem", s.baseDeviceFilesystem());
    write(layout.deviceSetFile(), n);
  }

  DeviceSetState readDeviceSet() throws IOException {
    JsonNode n = read(layout.deviceSetFile());
    if (n == null) {
      return DeviceSetState.EMPTY;
    }
    return new DeviceSetState(n.path("next_device_id").asInt(0), n.path("BaseDeviceUUID").asText(""),
        n.path("BaseDeviceFilesystem").asText(""));
  }

  // ---- plumbing ----

  private static void write(Path file, ObjectNode n) throws IOException {
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(n), PERMISSIONS);
    } catch (JsonProcessingException e) {
      throw new IOException("devicemapper: encoding " + file + ": " + e.getMessage(), e);
    }
  }

  /** The JSON object in {@code file}, or null if there is no such file. */
  private static JsonNode read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        throw new LayerCorruptException("devicemapper: " + file + ": not a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new LayerCorruptException("devicemapper: " + file + ": unreadable JSON: " + e.getOriginalMessage(), e);
    }
  }
}
