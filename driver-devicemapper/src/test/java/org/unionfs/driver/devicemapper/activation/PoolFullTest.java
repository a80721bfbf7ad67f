package org.unionfs.driver.devicemapper.activation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * A device bigger than its pool: once the pool is full, writes through the loop fail with ENOSPC
 * (the kernel sees a write error), the pool stays consistent, and deleting a device makes room again.
 */
class PoolFullTest {
  private static final long MIB = 1 << 20;

  @TempDir Path tmp;
  private ThinPool pool;
  private DeviceActivator act;

  @BeforeEach
  void setUp() throws Exception {
    KernelTools.assumeKernelSupport();
    pool = ThinPool.create(tmp.resolve("devicemapper"), new PoolConfig(24 * MIB, 4 * MIB, 64 << 10));
    act = DeviceActivator.open(pool, tmp.resolve("fuse"));
  }

  @AfterEach
  void tearDown() throws Exception {
    KernelTools.umountQuietly(tmp.resolve("mnt"));
    try {
      if (act != null) {
        act.close();
      }
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  @Test
  void rawWritesPastTheFreeSpaceFailWithEnospc() throws Exception {
    pool.createThin(1);
    Path loop = act.activate(1, 64 * MIB);
    KernelTools.Result r = KernelTools.tryRun("dd", "if=/dev/urandom", "of=" + loop, "bs=1M", "count=40",
        "oflag=direct", "status=none");
    assertThat(r.code()).as("dd into a full pool fails: " + r.output()).isNotZero();
    assertThat(r.output()).contains("No space left on device");
    assertThat(pool.verify()).isEmpty();
    assertThat(pool.status().usedDataBlocks()).isEqualTo(pool.status().totalDataBlocks());
    act.deactivate(1);
    pool.delete(1);
    pool.commit();
    assertThat(pool.status().usedDataBlocks()).isZero();

    pool.createThin(2); // the space is back
    Path l2 = act.activate(2, 16 * MIB);
    KernelTools.run("dd", "if=/dev/zero", "of=" + l2, "bs=1M", "count=16", "oflag=direct", "status=none");
    act.deactivate(2);
    assertThat(pool.verify()).isEmpty();
  }

  @Test
  void ext4SeesAWriteErrorAndThePoolStaysConsistent() throws Exception {
    pool.createThin(1);
    Path loop = act.activate(1, 64 * MIB);
    KernelTools.mkfs(loop);
    Path m = tmp.resolve("mnt");
    KernelTools.mount(loop, m);
    KernelTools.Result r = KernelTools.tryRun("dd", "if=/dev/urandom", "of=" + m.resolve("fill"), "bs=1M",
        "count=40", "conv=fsync", "status=none");
    assertThat(r.code()).as("writing 40 MiB into a 24 MiB pool fails: " + r.output()).isNotZero();
    KernelTools.tryRun("umount", m.toString());
    KernelTools.umountQuietly(m);
    act.deactivate(1);
    assertThat(pool.verify()).isEmpty();
    act.close();
    act = null;
    pool.close();
    pool = ThinPool.open(tmp.resolve("devicemapper")); // the committed metadata reads back clean
    assertThat(pool.verify()).isEmpty();
  }
}
