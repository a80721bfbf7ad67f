package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.PoolVerifier;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * Devices changed in moby's transactions on a real pool (no root): ids, transaction ids, the metadata
 * files, the open-transaction rollback after a crash at each step, and dm.min_free_space.
 */
class DeviceSetTest {
  private static final PoolConfig SMALL = new PoolConfig(64L << 20, 4L << 20, 64 << 10);
  @TempDir Path home;
  private DmLayout layout;
  private DmMetadata metadata;
  private ThinPool pool;

  @BeforeEach
  void setUp() throws Exception {
    layout = new DmLayout(home);
    Files.createDirectories(layout.metadataDir());
    metadata = new DmMetadata(layout);
    pool = ThinPool.create(layout.poolDir(), SMALL);
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.close();
  }

  private DeviceSet load(int minFree) throws Exception {
    DeviceSet set = new DeviceSet(pool, metadata, minFree);
    set.load();
    return set;
  }

  /** Closes the pool without committing what is open, as a kill -9 would, and reopens it. */
  private void crashAndReopen() throws Exception {
    // Copy the committed files aside before close() commits, then put them back.
    Path data = layout.poolDir().resolve(ThinPool.DATA_FILE);
    Path meta = layout.poolDir().resolve(ThinPool.METADATA_FILE);
    Path dataCopy = home.resolve("data.crash");
    Path metaCopy = home.resolve("meta.crash");
    Files.copy(data, dataCopy);
    Files.copy(meta, metaCopy);
    pool.close();
    Files.move(dataCopy, data, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(metaCopy, meta, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    pool = ThinPool.open(layout.poolDir());
  }

  @Test
  void createAndDelete_mobyIdsTransactionsAndFiles() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 32L << 20);
    assertThat(base.deviceId()).as("moby's first device id").isEqualTo(1);
    assertThat(base.transactionId()).isEqualTo(1);
    assertThat(pool.transactionId()).isEqualTo(1);
    DeviceRecord a = set.createSnapshot("a", base, 32L << 20, "");
    DeviceRecord b = set.createSnapshot("b", a, 64L << 20, "a");
    assertThat(a.deviceId()).isEqualTo(2);
    assertThat(b.deviceId()).isEqualTo(3);
    assertThat(b.transactionId()).isEqualTo(3);
    assertThat(metadata.readTransaction()).contains(new DmMetadata.Transaction(3, "b", 3));
    assertThat(set.children("a")).containsExactly("b");
    assertThat(metadata.readDevice("b")).contains(b);

    set.delete(b);
    assertThat(pool.hasDevice(3)).isFalse();
    assertThat(Files.exists(layout.metadataFile("b"))).isFalse();
    assertThat(pool.transactionId()).isEqualTo(4);
    assertThat(metadata.readTransaction()).contains(new DmMetadata.Transaction(4, "b", 3));
    assertThat(set.children("a")).isEmpty();
    // moby hands out the next id after the last one tried, not the freed one
    assertThat(set.createSnapshot("c", a, 32L << 20, "a").deviceId()).isEqualTo(4);
    assertThat(PoolVerifier.check(layout.poolDir()).problems()).isEmpty();
  }

  @Test
  void reload_seesEverything() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 32L << 20);
    set.update(base.withInitialized(true));
    set.saveState("uuid", "ext4");
    set.createSnapshot("a", base, 32L << 20, "");
    set.saveState();
    DeviceSet again = load(10);
    assertThat(again.lookup("").orElseThrow().initialized()).isTrue();
    assertThat(again.lookup("a")).isPresent();
    assertThat(again.state()).isEqualTo(new DmMetadata.DeviceSetState(2, "uuid", "ext4"));
    assertThat(again.transactionId()).isEqualTo(2);
  }

  @Test
  void crashInsideCreate_isRolledBack() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 32L << 20);
    // Step by step as createSnapshot does, stopping before set_transaction_id and the commit.
    metadata.writeTransaction(new DmMetadata.Transaction(2, "half", 2));
    pool.createSnap(2, base.deviceId());
    metadata.writeDevice(new DeviceRecord("half", 2, 32L << 20, 2, false, false, ""));
    crashAndReopen();
    DeviceSet after = load(10);
    assertThat(after.lookup("half")).isEmpty();
    assertThat(Files.exists(layout.metadataFile("half"))).isFalse();
    assertThat(pool.hasDevice(2)).isFalse();
    assertThat(metadata.readTransaction()).as("removed by the rollback").isEmpty();
    assertThat(after.createSnapshot("next", base, 32L << 20, "").transactionId()).isEqualTo(2);
    assertThat(PoolVerifier.check(layout.poolDir()).problems()).isEmpty();
  }

  @Test
  void crashAfterAPoolCommitInsideCreate_isRolledBackToo() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 32L << 20);
    metadata.writeTransaction(new DmMetadata.Transaction(2, "half", 2));
    pool.createSnap(2, base.deviceId());
    pool.write(2, 0, ByteBuffer.wrap(new byte[4096]));
    pool.commit(); // a flush of another active device commits the pool in the middle of the transaction
    crashAndReopen();
    DeviceSet after = load(10);
    assertThat(pool.hasDevice(2)).as("deleted by the rollback").isFalse();
    assertThat(after.lookup("half")).isEmpty();
    assertThat(PoolVerifier.check(layout.poolDir()).problems()).isEmpty();
  }

  @Test
  void crashInsideDelete_completesTheDelete() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 32L << 20);
    DeviceRecord a = set.createSnapshot("a", base, 32L << 20, "");
    metadata.writeTransaction(new DmMetadata.Transaction(3, "a", a.deviceId()));
    pool.delete(a.deviceId());
    crashAndReopen(); // the pool still has device 2 and the metadata file is there
    assertThat(pool.hasDevice(a.deviceId())).isTrue();
    DeviceSet after = load(10);
    assertThat(after.lookup("a")).isEmpty();
    assertThat(pool.hasDevice(a.deviceId())).isFalse();
    assertThat(after.lookup("")).isPresent();
  }

  @Test
  void completedTransaction_isNotRolledBack() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 32L << 20);
    set.createSnapshot("a", base, 32L << 20, "");
    crashAndReopen();
    DeviceSet after = load(10);
    assertThat(after.lookup("a")).isPresent();
    assertThat(pool.hasDevice(2)).isTrue();
    assertThat(metadata.readTransaction()).contains(new DmMetadata.Transaction(2, "a", 2));
  }

  @Test
  void deferredDeletionMark_isCompletedOnLoad() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 32L << 20);
    DeviceRecord a = set.createSnapshot("a", base, 32L << 20, "");
    metadata.writeDevice(new DeviceRecord("a", a.deviceId(), a.size(), a.transactionId(), false, true, ""));
    DeviceSet after = load(10);
    assertThat(after.lookup("a")).isEmpty();
    assertThat(pool.hasDevice(a.deviceId())).isFalse();
    assertThat(after.deferredDeletedCount()).isZero();
  }

  @Test
  void minFreeSpace_refusesNewSnapshots_deletingMakesRoom() throws Exception {
    DeviceSet set = load(10);
    DeviceRecord base = set.createThin("", 64L << 20);
    DeviceRecord a = set.createSnapshot("a", base, 64L << 20, "");
    // 1024 blocks of 64 KiB; 10% is 102 blocks: fill 950 blocks of "a".
    ByteBuffer chunk = ByteBuffer.allocate(950 * 65536);
    chunk.put(0, (byte) 1);
    for (int i = 0; i < 950; i++) {
      chunk.put(i * 65536, (byte) 1);
    }
    pool.write(a.deviceId(), 0, chunk);
    assertThatThrownBy(() -> set.createSnapshot("b", a, 64L << 20, "a"))
        .isInstanceOf(PosixException.class)
        .satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(Posix.ENOSPC))
        .hasMessageContaining("Thin Pool has 74 free data blocks which is less than minimum required 102");
    assertThat(set.lookup("b")).isEmpty();
    assertThat(Files.exists(layout.metadataFile("b"))).isFalse();
    // with the check off the same snapshot is made
    DeviceSet unchecked = load(0);
    assertThat(unchecked.createSnapshot("b", a, 64L << 20, "a").deviceId()).isEqualTo(3);
    unchecked.delete(unchecked.lookup("b").orElseThrow());
    unchecked.delete(unchecked.lookup("a").orElseThrow());
    DeviceSet checked = load(10); // deleting made room again
    assertThat(checked.createSnapshot("c", base, 64L << 20, "").deviceId()).isPositive();
  }
}
