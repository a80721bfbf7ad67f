package org.unionfs.driver.devicemapper.pool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a pool's committed metadata on disk, covering what {@code thin_check} 0.9.0 does not:
 * superblock checksum and magic (both slots), checkpoint and journal checksums, every data-block
 * reference count recomputed from the mappings (leaks, doubly owned blocks), data blocks beyond
 * the pool, 24-bit device ids and times. Read-only; safe while the pool is open elsewhere (it sees
 * the last commit). The entry point for {@code unionfs dm check}.
 */
public final class PoolVerifier {
  /**
   * The outcome of a check.
   *
   * @param problems one line per problem; empty when the pool is consistent
   * @param transactionId the committed transaction id (-1 when unreadable)
   * @param devices number of thin devices
   * @param usedDataBlocks data blocks with a non-zero stored reference count
   */
  public record Report(List<String> problems, long transactionId, int devices, long usedDataBlocks) {
    public Report {
      problems = List.copyOf(problems);
    }

    /** Whether no problem was found. */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private PoolVerifier() {}

  /** Checks the pool in {@code dir} ({@code <home>/devicemapper}). */
  public static Report check(Path dir) throws IOException {
    List<String> problems = new ArrayList<>();
    Path metaPath = dir.resolve(ThinPool.METADATA_FILE);
    if (!Files.isRegularFile(metaPath)) {
      problems.add("no metadata file " + metaPath);
      return new Report(problems, -1, 0, 0);
    }
    try (FileChannel ch = FileChannel.open(metaPath, StandardOpenOption.READ)) {
      // One bad slot is normal (a torn commit, or a fresh pool that wrote one slot); open() picks
      // the newest valid one and fails when neither is valid.
      MetadataStore store;
      PoolState s;
      try {
        store = MetadataStore.open(ch, metaPath);
        s = store.load();
      } catch (IOException e) {
        problems.add(e.getMessage());
        return new Report(problems, -1, 0, 0);
      }
      MetadataStore.Superblock sb = store.superblock();
      if (sb.metadataBytes() != ch.size()) {
        problems.add("superblock says the metadata file has " + sb.metadataBytes() + " bytes, it has " + ch.size());
      }
      int bs = sb.blockSize();
      if (bs < PoolConfig.MIN_BLOCK || bs > PoolConfig.MAX_BLOCK || bs % PoolConfig.MIN_BLOCK != 0) {
        problems.add("data block size " + bs + " is not a multiple of 64 KiB up to 1 GiB");
      }
      Path dataPath = dir.resolve(ThinPool.DATA_FILE);
      long dataSize = Files.isRegularFile(dataPath) ? Files.size(dataPath) : -1;
      if (dataSize < sb.nrDataBlocks() * bs) {
        problems.add("data file " + dataPath + " holds " + dataSize + " bytes, fewer than " + sb.nrDataBlocks()
            + " blocks of " + bs);
      }
      problems.addAll(s.check());
      return new Report(problems, s.transactionId, s.devices.size(), s.usedDataBlocks());
    }
  }
}
