package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.driver.devicemapper.pool.DeviceInfo;
import org.unionfs.driver.devicemapper.pool.PoolVerifier;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * Checks a devicemapper home (the entry point of {@code unionfs dm check}): the pool's committed
 * metadata with {@link PoolVerifier} (every reference count recomputed: leaked and doubly owned blocks,
 * checksums, blocks beyond the pool), then the device records against the pool's devices (a device
 * without a record is leaked space; a record without a device is a lost layer). An open transaction
 * is reported as a note: the next open of the driver rolls it back. Changes no state: the pool is
 * opened only to list its devices (its close rewrites the superblock with the same state), and when
 * another process has it open, that comparison is skipped with a note.
 */
public final class DmCheck {
  /**
   * The outcome.
   *
   * @param problems one line each; empty when the home is consistent
   * @param notes facts worth printing that are not problems
   */
  public record Result(List<String> problems, List<String> notes) {
    public Result {
      problems = List.copyOf(problems);
      notes = List.copyOf(notes);
    }

    /** Whether no problem was found. */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private DmCheck() {}

  /** Checks the devicemapper home {@code home} ({@code <root>/devicemapper}). */
  public static Result check(Path home) throws IOException {
    DmLayout layout = new DmLayout(home.toAbsolutePath().normalize());
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    PoolVerifier.Report pool = PoolVerifier.check(layout.poolDir());
    problems.addAll(pool.problems());
    notes.add("pool " + layout.poolDir() + ": transaction " + pool.transactionId() + ", " + pool.devices()
        + " thin devices, " + pool.usedDataBlocks() + " data blocks in use");
    if (!pool.ok() || !Files.isDirectory(layout.metadataDir())) {
      if (!Files.isDirectory(layout.metadataDir())) {
        problems.add("no metadata directory " + layout.metadataDir());
      }
      return new Result(problems, notes);
    }
    DmMetadata metadata = new DmMetadata(layout);
    Map<String, DeviceRecord> records;
    try {
      records = metadata.loadAll();
    } catch (IOException e) {
      problems.add(e.getMessage());
      return new Result(problems, notes);
    }
    Optional<DmMetadata.Transaction> open = metadata.readTransaction();
    Optional<TreeSet<Integer>> poolIds = poolDevices(layout.poolDir(), notes);
    boolean pending = open.isPresent() && open.get().openTransactionId() > pool.transactionId();
    if (pending) {
      notes.add("open transaction " + open.get().openTransactionId() + " (device " + open.get().deviceId()
          + ", \"" + open.get().deviceHash() + "\") will be rolled back on the next open");
    }
    if (poolIds.isPresent()) {
      compare(records, poolIds.get(), pending ? open.get().deviceId() : -1, problems);
    }
    for (DeviceRecord r : records.values()) {
      if (!r.parent().isEmpty() && !records.containsKey(r.parent())) {
        problems.add("layer " + r.hash() + ": parent layer " + r.parent() + " has no device record");
      }
    }
    if (!records.containsKey("")) {
      notes.add("no base device yet (made on the next open)");
    }
    return new Result(problems, notes);
  }

  private static void compare(Map<String, DeviceRecord> records, TreeSet<Integer> poolIds, int pendingId,
      List<String> problems) {
    TreeSet<Integer> recorded = new TreeSet<>();
    for (DeviceRecord r : records.values()) {
      recorded.add(r.deviceId());
      if (!poolIds.contains(r.deviceId()) && r.deviceId() != pendingId) {
        problems.add("device record " + (r.isBase() ? "base" : r.hash()) + " names thin device " + r.deviceId()
            + ", which the pool does not have");
      }
    }
    for (int id : poolIds) {
      if (!recorded.contains(id) && id != pendingId) {
        problems.add("thin device " + id + " has no device record: its blocks are leaked");
      }
    }
  }

  /** The committed device ids, from a read of the pool (empty with a note when it is open elsewhere). */
  private static Optional<TreeSet<Integer>> poolDevices(Path poolDir, List<String> notes) throws IOException {
    try (ThinPool p = ThinPool.open(poolDir)) {
      TreeSet<Integer> ids = new TreeSet<>();
      for (DeviceInfo d : p.devices()) {
        ids.add(d.id());
      }
      return Optional.of(ids);
    } catch (LayerInUseException e) {
      notes.add("the pool is open in another process: device records not compared with it");
      return Optional.empty();
    }
  }
}
