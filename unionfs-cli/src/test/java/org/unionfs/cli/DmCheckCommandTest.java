package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * {@code unionfs dm check}: exit 0 and "ok" on a consistent home; exit 1 with one "problem:" line per
 * leaked device, lost record or corrupt metadata. Needs no root: the pool and records are made directly.
 */
class DmCheckCommandTest {
  @TempDir Path root;
  private Path pool;
  private Path metadata;

  @BeforeEach
  void setUp() throws Exception {
    pool = root.resolve("devicemapper/devicemapper");
    metadata = Files.createDirectories(root.resolve("devicemapper/metadata"));
    try (ThinPool p = ThinPool.create(pool, new PoolConfig(64L << 20, 4L << 20, 64 << 10))) {
      p.createThin(1);
      p.write(1, 0, ByteBuffer.wrap(new byte[100_000]));
      p.createSnap(2, 1);
      p.setTransactionId(0, 2);
    }
    Files.writeString(metadata.resolve("base"),
        "{\"device_id\":1,\"size\":33554432,\"transaction_id\":1,\"initialized\":true,\"deleted\":false}");
    Files.writeString(metadata.resolve("layer1"),
        "{\"device_id\":2,\"size\":33554432,\"transaction_id\":2,\"initialized\":false,\"deleted\":false}");
  }

  private Cli.Result check() {
    return new Cli(root, null).raw(new byte[0], "dm", "check", "--home", root.toString());
  }

  @Test
  void consistentHome_ok() {
    Cli.Result r = check();
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.lines()).contains("ok").noneMatch(l -> l.startsWith("problem:"));
    assertThat(r.out()).contains("transaction 2, 2 thin devices");
  }

  @Test
  void globalHomeOption_works_too() {
    Cli.Result r = new Cli(root, null).run("dm", "check");
    assertThat(r.exit()).as("%s", r).isZero();
  }

  @Test
  void deviceWithoutRecord_isALeak() throws Exception {
    try (ThinPool p = ThinPool.open(pool)) {
      p.createThin(7);
      p.write(7, 0, ByteBuffer.wrap(new byte[70_000]));
    }
    Cli.Result r = check();
    assertThat(r.exit()).as("%s", r).isEqualTo(Main.FAILED);
    assertThat(r.lines()).contains("problem: thin device 7 has no device record: its blocks are leaked",
        "1 problem(s)");
  }

  @Test
  void recordWithoutDevice_isALostLayer() throws Exception {
    Files.writeString(metadata.resolve("lost"),
        "{\"device_id\":9,\"size\":1,\"transaction_id\":2,\"initialized\":false,\"deleted\":false,\"parent\":\"gone\"}");
    Cli.Result r = check();
    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.lines()).contains(
        "problem: device record lost names thin device 9, which the pool does not have",
        "problem: layer lost: parent layer gone has no device record");
  }

  @Test
  void pendingTransaction_isANoteNotAProblem() throws Exception {
    try (ThinPool p = ThinPool.open(pool)) {
      p.createSnap(3, 2); // committed by close, but without its set_transaction_id
    }
    Files.writeString(metadata.resolve("transaction-metadata"),
        "{\"open_transaction_id\":3,\"device_hash\":\"half\",\"device_id\":3}");
    Cli.Result r = check();
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("open transaction 3 (device 3, \"half\") will be rolled back on the next open");
  }

  @Test
  void corruptPoolMetadata_isReported() throws Exception {
    try (FileChannel ch = FileChannel.open(pool.resolve("metadata"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[8192]), 0); // both superblock slots
    }
    Cli.Result r = check();
    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.lines()).anyMatch(l -> l.startsWith("problem: "));
  }

  /** The real driver through the command line (root, FUSE, losetup, e2fsprogs), then the check. */
  @Test
  void afterTheDriverItself_ok() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(new org.unionfs.driver.devicemapper.DevicemapperDriverProvider()
        .probe(org.unionfs.api.spi.DriverContext.of(root)).supported(), "devicemapper not supported here");
    Path other = root.resolve("real");
    Cli cli = new Cli(other, "devicemapper");
    String[] small = {"-o", "dm.loopdatasize=512M", "-o", "dm.loopmetadatasize=16M", "-o", "dm.basesize=128M"};
    for (String[] cmd : new String[][] {{"create", "img"}, {"create-rw", "ctr", "--parent", "img"}, {"status"}}) {
      String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(small), java.util.Arrays.stream(cmd))
          .toArray(String[]::new);
      Cli.Result r = cli.run(args);
      assertThat(r.exit()).as("%s: %s", String.join(" ", cmd), r).isZero();
      if (cmd[0].equals("status")) {
        assertThat(r.lines()).contains("Storage Driver: devicemapper", "Pool Blocksize: 65.54kB",
            "Base Device Size: 134.2MB", "Backing Filesystem: ext4");
      }
    }
    Cli.Result r = new Cli(other, null).run("dm", "check");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("3 thin devices");
  }

  @Test
  void noPool_isAProblem() {
    Cli.Result r = new Cli(root.resolve("elsewhere"), null).run("dm", "check");
    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.out()).contains("problem: no metadata file");
  }
}
