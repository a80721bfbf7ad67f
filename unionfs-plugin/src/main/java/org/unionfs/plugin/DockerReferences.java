package org.unionfs.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.internal.AtomicFiles;
import org.unionfs.api.internal.PerKeyLock;

/**
 * dockerd's {@code Get} references, counted by the plugin and kept in a file, so that a server restarted
 * under a running dockerd accepts the {@code Put}s of {@code Get}s made before the restart and releases
 * the mounts when the last of them comes.
 *
 * <p>Why the plugin keeps them, not the driver: a stopping server releases every mount (the issue asks
 * that of SIGTERM, and a FUSE mount of aufs or devicemapper cannot outlive our process anyway), so the
 * driver's own counts end with the process. The next server reads this file after opening the driver and
 * takes each reference again with {@link GraphDriver#get}: the mount is re-established at the same path
 * (every driver's Get path depends only on the layer id), dockerd's {@code Dir} is valid again, and each
 * later {@code Put} balances one of those Gets as before. A layer gone meanwhile is dropped; a layer that
 * cannot be mounted again keeps its count "unheld", so its Puts still answer OK (logged) rather than
 * failing a container's stop.
 *
 * <p>File: {@code {"<id>": {"count": n, "mountLabel": ""}}}, replaced atomically after every change (it
 * sits beside the socket, on tmpfs by default, so the fsync is cheap). Calls on one layer are serialised
 * here, so the driver call and the count change together.
 */
final class DockerReferences {
  private static final Logger LOG = LoggerFactory.getLogger(DockerReferences.class);

  /** One layer's references: how many Gets dockerd holds, and the label to mount it again with. */
  record Entry(@JsonProperty("count") int count, @JsonProperty("mountLabel") String mountLabel) {}

  private final Path file;
  private final PerKeyLock locks = new PerKeyLock();
  /** Gets dockerd holds, per layer; persisted. Guarded by this. */
  private final Map<String, Entry> counts = new TreeMap<>();
  /** How many of those the open driver holds in this process (the rest could not be re-taken). */
  private final Map<String, Integer> held = new HashMap<>();

  DockerReferences(Path file) {
    this.file = file;
  }

  /** {@code GraphDriver.Get}: the driver's get, then one more reference counted and saved. */
  Path get(GraphDriver driver, String id, String mountLabel) throws IOException {
    try (PerKeyLock.Held lock = locks.lock(String.valueOf(id))) {
      Path dir = driver.get(id, mountLabel);
      try {
        synchronized (this) {
          Entry e = counts.get(id);
          counts.put(id, new Entry(e == null ? 1 : e.count() + 1, mountLabel));
          held.merge(id, 1, Integer::sum);
          save();
        }
      } catch (IOException | RuntimeException e) {
        synchronized (this) {
          decrement(id);
        }
        try {
          driver.put(id);
        } catch (IOException | RuntimeException again) {
          e.addSuppressed(again);
        }
        throw e;
      }
      return dir;
    }
  }

  /**
   * {@code GraphDriver.Put}. A layer without counted references goes straight to the driver, which
   * answers as it does for any unbalanced put; a reference the driver does not hold (not re-taken after
   * a restart) is counted off without calling it.
   */
  void put(GraphDriver driver, String id) throws IOException {
    try (PerKeyLock.Held lock = locks.lock(String.valueOf(id))) {
      boolean counted;
      boolean driverHolds;
      synchronized (this) {
        counted = counts.containsKey(id);
        driverHolds = held.getOrDefault(id, 0) > 0;
      }
      if (!counted || driverHolds) {
        driver.put(id);
      } else {
        LOG.warn("Put {}: a reference from before the restart whose mount could not be re-established;"
            + " counted off", id);
      }
      if (counted) {
        synchronized (this) {
          decrement(id);
          save();
        }
      }
    }
  }

  private void decrement(String id) {
    Entry e = counts.get(id);
    if (e != null) {
      if (e.count() <= 1) {
        counts.remove(id);
      } else {
        counts.put(id, new Entry(e.count() - 1, e.mountLabel()));
      }
    }
    held.computeIfPresent(id, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * A server resuming under a running dockerd: reads the file and takes every reference again on the
   * just-opened {@code driver}. Returns how many references were re-taken.
   */
  synchronized int reacquire(GraphDriver driver) throws IOException {
    counts.clear();
    held.clear();
    if (Files.isRegularFile(file)) {
      counts.putAll(WireFormat.JSON.readValue(file.toFile(), new TypeReference<Map<String, Entry>>() {}));
    }
    int taken = 0;
    for (Map.Entry<String, Entry> e : Map.copyOf(counts).entrySet()) {
      String id = e.getKey();
      if (!driver.exists(id)) {
        LOG.warn("reference file {}: layer {} no longer exists; its {} reference(s) dropped", file, id,
            e.getValue().count());
        counts.remove(id);
        continue;
      }
      String label = e.getValue().mountLabel() == null ? "" : e.getValue().mountLabel();
      for (int i = 0; i < e.getValue().count(); i++) {
        try {
          driver.get(id, label);
        } catch (IOException | RuntimeException failed) {
          LOG.warn("layer {}: cannot take reference {} of {} again after the restart: {}", id, i + 1,
              e.getValue().count(), failed.toString());
          break;
        }
        held.merge(id, 1, Integer::sum);
        taken++;
      }
    }
    save();
    if (taken > 0) {
      LOG.info("re-took {} reference(s) dockerd held before the restart on {} layer(s)", taken,
          counts.size());
    }
    return taken;
  }

  /** The driver closed (server stop): its mounts are gone, the file stays for the next server. */
  synchronized void driverClosed() {
    held.clear();
  }

  /** A new daemon (Init) or its shutdown (Cleanup): the earlier daemon's references are void. */
  synchronized void forget() throws IOException {
    counts.clear();
    held.clear();
    Files.deleteIfExists(file);
  }

  /** The counted references, for tests and logs. */
  synchronized Map<String, Integer> counts() {
    Map<String, Integer> copy = new TreeMap<>();
    counts.forEach((id, e) -> copy.put(id, e.count()));
    return copy;
  }

  private void save() throws IOException {
    if (counts.isEmpty()) {
      Files.deleteIfExists(file);
      return;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFiles.write(file, WireFormat.JSON.writeValueAsBytes(counts), "rw-------");
  }
}
