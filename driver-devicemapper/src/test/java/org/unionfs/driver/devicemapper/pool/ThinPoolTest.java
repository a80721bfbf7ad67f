package org.unionfs.driver.devicemapper.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

class ThinPoolTest {
  static final int BS = 64 << 10;
  @TempDir Path tmp;

  private ThinPool pool(long blocks) throws IOException {
    return ThinPool.create(tmp.resolve("devicemapper"), new PoolConfig(blocks * BS, 1 << 20, BS));
  }

  private static ByteBuffer bytes(int len, int seed) {
    byte[] b = new byte[len];
    new java.util.Random(seed).nextBytes(b);
    return ByteBuffer.wrap(b);
  }

  private static byte[] read(ThinPool p, int id, long off, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    p.read(id, off, b);
    return b.array();
  }

  @Test
  void createsSparseDockerNamedFilesWithDefaults() throws IOException {
    try (ThinPool p = ThinPool.create(tmp.resolve("dm"), PoolConfig.defaults())) {
      assertThat(Files.size(tmp.resolve("dm/data"))).isEqualTo(100L << 30);
      assertThat(Files.size(tmp.resolve("dm/metadata"))).isEqualTo(2L << 30);
      assertThat((Long) Files.getAttribute(tmp.resolve("dm/data"), "unix:size")).isEqualTo(100L << 30);
      PoolStatus s = p.status();
      assertThat(s.totalDataBlocks()).isEqualTo(1_638_400);
      assertThat(s.totalMetadataBlocks()).isEqualTo(524_288);
      assertThat(s.usedDataBlocks()).isZero();
      assertThat(s.blockSize()).isEqualTo(65536);
    }
    // sparse: far less allocated than the sizes
    assertThat(du(tmp.resolve("dm"))).isLessThan(1 << 20);
  }

  private static long du(Path dir) throws IOException {
    long n = 0;
    try (var s = Files.list(dir)) {
      for (Path f : s.toList()) {
        n += ((Number) Files.getAttribute(f, "unix:size")).longValue() > 0
            ? Long.parseLong(new String(new ProcessBuilder("du", "-k", "--", f.toString()).start()
                .getInputStream().readAllBytes()).split("\\s")[0]) * 1024 : 0;
      }
    }
    return n;
  }

  @Test
  void snapshotSharesEveryBlockAndCopiesOnFirstWrite() throws IOException {
    try (ThinPool p = pool(64)) {
      p.createThin(1);
      p.write(1, 0, bytes(4 * BS, 1));
      assertThat(p.status().usedDataBlocks()).isEqualTo(4);
      p.createSnap(2, 1);
      assertThat(p.status().usedDataBlocks()).isEqualTo(4);
      assertThat(p.deviceInfo(2).mappedBlocks()).isEqualTo(4);
      assertThat(p.deviceInfo(1).snapshotTime()).isEqualTo(1);
      assertThat(p.deviceInfo(2).creationTime()).isEqualTo(1);
      byte[] before = read(p, 1, 0, 4 * BS);
      p.write(2, BS + 10, ByteBuffer.wrap(new byte[] {1, 2, 3})); // partial: read-modify-write
      assertThat(p.status().usedDataBlocks()).isEqualTo(5);
      assertThat(read(p, 1, 0, 4 * BS)).isEqualTo(before);
      byte[] snap = read(p, 2, 0, 4 * BS);
      byte[] expect = before.clone();
      expect[BS + 10] = 1;
      expect[BS + 11] = 2;
      expect[BS + 12] = 3;
      assertThat(snap).isEqualTo(expect);
      p.write(2, BS + 20, ByteBuffer.wrap(new byte[] {9})); // now exclusive: in place, no new block
      assertThat(p.status().usedDataBlocks()).isEqualTo(5);
      p.delete(1);
      p.commit();
      assertThat(p.status().usedDataBlocks()).isEqualTo(4);
      assertThat(p.verify()).isEmpty();
    }
  }

  @Test
  void unmappedReadsAsZerosAndDiscardUnmapsWholeBlocksOnly() throws IOException {
    try (ThinPool p = pool(16)) {
      p.createThin(7);
      assertThat(read(p, 7, 12345, 100)).containsOnly(0);
      p.write(7, 0, bytes(3 * BS, 2));
      assertThat(p.discard(7, 100, 2 * BS)).isEqualTo(1); // only block 1 is wholly inside
      assertThat(p.deviceInfo(7).mappedBlocks()).isEqualTo(2);
      assertThat(read(p, 7, BS, BS)).containsOnly(0);
      assertThat(read(p, 7, 0, 100)).isEqualTo(Arrays.copyOf(bytes(3 * BS, 2).array(), 100));
    }
  }

  @Test
  void outOfSpaceFailsWithEnospcLeavesThePoolConsistentAndDeletesMakeRoom() throws IOException {
    try (ThinPool p = pool(8)) {
      p.createThin(1);
      p.write(1, 0, bytes(6 * BS, 3));
      p.createThin(2);
      byte[] before = read(p, 1, 0, 6 * BS);
      assertThatThrownBy(() -> p.write(2, 0, bytes(3 * BS, 4)))
          .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Posix.ENOSPC));
      assertThat(p.deviceInfo(2).mappedBlocks()).as("all or nothing").isZero();
      assertThat(p.verify()).isEmpty();
      p.write(2, 0, bytes(2 * BS, 5)); // exactly fills the pool
      assertThat(p.status().usedDataBlocks()).isEqualTo(8);
      p.createSnap(3, 1); // snapshots need no space
      assertThatThrownBy(() -> p.write(3, 0, ByteBuffer.wrap(new byte[1])))
          .isInstanceOf(PosixException.class).hasMessageContaining("out of data space");
      assertThat(read(p, 1, 0, 6 * BS)).isEqualTo(before);
      p.delete(1);
      p.delete(3);
      p.write(2, 2 * BS, bytes(5 * BS, 6)); // the freed blocks are reused (after an implicit commit)
      assertThat(p.verify()).isEmpty();
      assertThat(read(p, 2, 2 * BS, 5 * BS)).isEqualTo(bytes(5 * BS, 6).array());
    }
    assertThat(PoolVerifier.check(tmp.resolve("devicemapper")).problems()).isEmpty();
  }

  @Test
  void badInputIsRefusedWithTypedErrors() throws IOException {
    assertThatThrownBy(() -> ThinPool.create(tmp.resolve("x"), new PoolConfig(1 << 30, 1 << 20, 96 << 10)))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("98304");
    assertThatThrownBy(() -> ThinPool.create(tmp.resolve("x"), new PoolConfig(1 << 30, 1 << 20, 2 << 30)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ThinPool.open(tmp.resolve("none"))).isInstanceOf(LayerNotFoundException.class);
    try (ThinPool p = pool(8)) {
      assertThatThrownBy(() -> p.createThin(1 << 24)).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("16777216");
      assertThatThrownBy(() -> p.createThin(-1)).isInstanceOf(InvalidArgumentException.class);
      p.createThin(ThinPool.MAX_DEVICE_ID);
      assertThatThrownBy(() -> p.createThin(ThinPool.MAX_DEVICE_ID)).isInstanceOf(LayerExistsException.class);
      assertThatThrownBy(() -> p.createSnap(2, 5)).isInstanceOf(LayerNotFoundException.class)
          .hasMessageContaining("thin device 5");
      assertThatThrownBy(() -> p.delete(5)).isInstanceOf(LayerNotFoundException.class);
      assertThatThrownBy(() -> p.write(5, 0, ByteBuffer.allocate(1))).isInstanceOf(LayerNotFoundException.class);
      assertThatThrownBy(() -> p.read(ThinPool.MAX_DEVICE_ID, -1, ByteBuffer.allocate(1)))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> ThinPool.open(tmp.resolve("devicemapper"))).isInstanceOf(LayerInUseException.class);
      assertThatThrownBy(() -> ThinPool.create(tmp.resolve("devicemapper"), new PoolConfig(BS, 1 << 20, BS)))
          .isInstanceOf(LayerExistsException.class);
    }
  }

  @Test
  void setTransactionIdIsACompareAndSwapThatCommits() throws IOException {
    Path dir = tmp.resolve("devicemapper");
    try (ThinPool p = pool(8)) {
      p.setTransactionId(0, 5);
      assertThatThrownBy(() -> p.setTransactionId(4, 6)).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("current transaction id is 5");
      assertThat(p.transactionId()).isEqualTo(5);
      p.commit();
      p.setTransactionId(5, 6); // uncommitted: lost by a crash, kept by close
      assertThat(p.status().transactionId()).isEqualTo(6);
    }
    try (ThinPool p = ThinPool.open(dir)) {
      assertThat(p.transactionId()).isEqualTo(6);
    }
  }

  @Test
  void verifierReportsLeaksDoubleOwnershipOutOfRangeBlocksAndBadChecksums() throws IOException {
    Path dir = tmp.resolve("devicemapper");
    try (ThinPool p = pool(16)) {
      p.createThin(1);
      p.write(1, 0, bytes(2 * BS, 7));
      PoolState s = p.state();
      s.loadRefCount(9, 1); // a leak: counted, mapped by nobody
      s.device(1).map.put(5, BlockMap.pack(0, 0)); // block 0 now mapped twice, counted once
      s.device(1).map.put(6, BlockMap.pack(99, 0)); // beyond the 16 data blocks
      p.checkpointNextCommit();
      p.commit();
      assertThat(p.verify()).isNotEmpty();
    }
    assertThat(PoolVerifier.check(dir).problems())
        .anyMatch(m -> m.contains("leaked data block 9"))
        .anyMatch(m -> m.contains("data block 0 owned 2 times but counted 1 (doubly owned)"))
        .anyMatch(m -> m.contains("maps data block 99 beyond"));
    assertThatThrownBy(() -> ThinPool.open(dir)).isInstanceOf(LayerCorruptException.class);

    // a flipped byte in the checkpoint: the checksum catches it
    MetadataStore.Superblock sb;
    try (FileChannel ch = FileChannel.open(dir.resolve("metadata"), StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      sb = MetadataStore.open(ch, dir).superblock();
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, sb.checkpointOffset() + 20);
      one.put(0, (byte) (one.get(0) ^ 0x40)).position(0);
      ch.write(one, sb.checkpointOffset() + 20);
    }
    assertThat(PoolVerifier.check(dir).problems()).singleElement().asString().contains("bad checksum");
  }

  @Test
  void aTornJournalRecordIsDetected() throws IOException {
    Path dir = tmp.resolve("devicemapper");
    try (ThinPool p = pool(16)) {
      p.createThin(1);
      p.commit();
      p.write(1, 0, bytes(BS, 8));
    }
    try (FileChannel ch = FileChannel.open(dir.resolve("metadata"), StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      MetadataStore.Superblock sb = MetadataStore.open(ch, dir).superblock();
      assertThat(sb.journalLength()).isPositive();
      ch.write(ByteBuffer.wrap(new byte[] {0x7f}), sb.journalOffset() + sb.journalLength() - 3);
    }
    assertThat(PoolVerifier.check(dir).problems()).singleElement().asString().contains("bad checksum");
    assertThatThrownBy(() -> ThinPool.open(dir)).isInstanceOf(LayerCorruptException.class)
        .hasMessageContaining("journal record");
  }

  @Test
  void aRestoreTooBigForTheMetadataFailsWithEnospcAndLeavesThePoolEmpty() throws IOException {
    StringBuilder x = new StringBuilder("<superblock uuid=\"\" time=\"0\" transaction=\"4\" flags=\"0\""
        + " version=\"2\" data_block_size=\"128\" nr_data_blocks=\"40000\">\n"
        + "<device dev_id=\"1\" mapped_blocks=\"0\" transaction=\"0\" creation_time=\"0\" snap_time=\"0\">\n");
    for (int v = 0; v < 30000; v++) { // 600 kB of checkpoint: more than half of a 1 MiB metadata file
      x.append("<single_mapping origin_block=\"").append(v).append("\" data_block=\"").append(v)
          .append("\" time=\"0\"/>\n");
    }
    x.append("</device>\n</superblock>\n");
    Path dir = tmp.resolve("devicemapper");
    try (ThinPool p = pool(40000)) {
      assertThatThrownBy(() -> ThinXml.restore(p,
          new java.io.ByteArrayInputStream(x.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
          .isInstanceOfSatisfying(PosixException.class, e -> assertThat(e.errno()).isEqualTo(Posix.ENOSPC))
          .hasMessageContaining("metadata space exhausted");
      assertThat(p.devices()).isEmpty();
      assertThat(p.transactionId()).isZero();
      assertThat(p.verify()).isEmpty();
      p.createThin(3);
      p.write(3, 0, bytes(100, 9));
    }
    assertThat(PoolVerifier.check(dir).problems()).isEmpty();
    try (ThinPool p = ThinPool.open(dir)) {
      assertThat(read(p, 3, 0, 100)).isEqualTo(bytes(100, 9).array());
    }
  }
}
