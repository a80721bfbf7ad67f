package org.unionfs.driver.devicemapper.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random operation sequences against the byte model, with every reference count checked after each step. */
class ThinPoolModelTest {
  @TempDir Path tmp;

  @AfterEach
  void restoreThreshold() {
    MetadataStore.checkpointThreshold = 1 << 20;
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomSequencesMatchTheModel(long seed) throws Exception {
    // Seeds 5..8 checkpoint on almost every commit; 1..4 mostly append to the journal.
    MetadataStore.checkpointThreshold = seed > 4 ? 256 : 1 << 20;
    Path dir = tmp.resolve("devicemapper");
    // 40 blocks for up to 8 devices of 8 blocks: writes run out of space now and then.
    ThinPool pool = ThinPool.create(dir, new PoolConfig(40L * ModelRun.BS, 1 << 20, ModelRun.BS));
    ModelRun run = new ModelRun(seed);
    try {
      for (int i = 0; i < 600; i++) {
        run.step(pool);
        assertThat(pool.verify()).as("step %d: %s", i, run.lastOp).isEmpty();
        if (i % 25 == 0 || run.lastOp.startsWith("write") || run.lastOp.startsWith("discard")) {
          assertThat(ModelRun.compare(pool, run.model)).as("step %d: %s", i, run.lastOp).isNull();
        }
        if (i % 100 == 99) { // reopen: the committed state plus nothing (close commits)
          pool.close();
          assertThat(PoolVerifier.check(dir).problems()).isEmpty();
          pool = ThinPool.open(dir);
          assertThat(ModelRun.compare(pool, run.model)).as("after reopen at step %d", i).isNull();
          assertThat(pool.transactionId()).isEqualTo(run.transactionId);
        }
      }
    } finally {
      pool.close();
    }
    assertThat(run.enospc).as("the small pool ran out of space at least once").isPositive();
    assertThat(PoolVerifier.check(dir).ok()).isTrue();
  }
}
