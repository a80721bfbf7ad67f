package org.unionfs.driver.devicemapper.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads and writes from several threads at once, into the same 64 KiB blocks at different 4 KiB
 * chunks (as ext4 on a loop device does), while another thread snapshots, commits and discards: no
 * write is lost, no chunk is ever torn or shows another chunk's bytes, every snapshot holds a version
 * of each chunk that existed, and the reference counts stay exact.
 */
class ThinPoolConcurrencyTest {
  private static final int BS = 64 << 10;
  private static final int CHUNK = 4 << 10;
  private static final int BLOCKS = 24;
  private static final int CHUNKS = BLOCKS * BS / CHUNK;
  private static final int WRITERS = 4;

  @TempDir Path tmp;

  /** Chunk {@code c} at version {@code k}: its number, its version, then bytes derived from both. */
  private static void fill(ByteBuffer b, int c, int k) {
    b.clear();
    b.putInt(c).putInt(k);
    long x = c * 0x9E3779B97F4A7C15L + k;
    while (b.hasRemaining()) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      b.put((byte) (x >>> 56));
    }
    b.flip();
  }

  /** The version a chunk holds (0 = never written: all zeros); fails if it is torn or foreign. */
  private static int versionOf(ByteBuffer got, int c, ByteBuffer scratch) {
    int gc = got.getInt(0);
    int gk = got.getInt(4);
    if (gc == 0 && gk == 0) {
      for (int i = 0; i < CHUNK; i++) {
        if (got.get(i) != 0) {
          throw new AssertionError("chunk " + c + ": neither zeros nor a version");
        }
      }
      return 0;
    }
    if (gc != c) {
      throw new AssertionError("chunk " + c + " holds chunk " + gc + "'s bytes");
    }
    fill(scratch, c, gk);
    if (!scratch.equals(got.duplicate().clear())) {
      throw new AssertionError("chunk " + c + " version " + gk + " is torn");
    }
    return gk;
  }

  @Test
  void concurrentWritesReadsSnapshotsAndCommitsStayExact() throws Exception {
    try (ThinPool pool = ThinPool.create(tmp.resolve("dm"), new PoolConfig(4096L * BS, 16 << 20, BS))) {
      pool.createThin(1);
      AtomicIntegerArray latest = new AtomicIntegerArray(CHUNKS); // highest version written per chunk
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      List<int[]> snapshots = new ArrayList<>(); // {id, then the version floor of each chunk at snap time}
      java.util.Set<Long> discarded = java.util.concurrent.ConcurrentHashMap.newKeySet();
      CyclicBarrier start = new CyclicBarrier(WRITERS + 2);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < WRITERS; t++) {
        int me = t;
        threads.add(new Thread(() -> run(errors, start, () -> {
          Random r = new Random(me);
          ByteBuffer b = ByteBuffer.allocateDirect(CHUNK);
          for (int i = 0; i < 3000; i++) {
            int c = r.nextInt(CHUNKS / WRITERS) * WRITERS + me; // this thread's chunks: one in four
            int k = latest.get(c) + 1;
            fill(b, c, k);
            pool.write(1, (long) c * CHUNK, b);
            latest.set(c, k);
          }
        })));
      }
      threads.add(new Thread(() -> run(errors, start, () -> {
        Random r = new Random(99);
        ByteBuffer got = ByteBuffer.allocateDirect(CHUNK);
        ByteBuffer scratch = ByteBuffer.allocate(CHUNK);
        while (!stop.get()) {
          int c = r.nextInt(CHUNKS);
          int floor = latest.get(c);
          pool.read(1, (long) c * CHUNK, got.clear());
          int v = versionOf(got, c, scratch);
          assertThat(v).as("chunk %d read after version %d was written", c, floor).isGreaterThanOrEqualTo(floor);
        }
      })));
      Thread control = new Thread(() -> run(errors, start, () -> {
        Random r = new Random(7);
        for (int id = 2; !stop.get() && id < 40; id++) {
          int[] floor = new int[CHUNKS + 1];
          floor[0] = id;
          for (int c = 0; c < CHUNKS; c++) {
            floor[c + 1] = latest.get(c);
          }
          pool.createSnap(id, 1);
          synchronized (snapshots) {
            snapshots.add(floor);
          }
          pool.commit();
          if (r.nextInt(4) == 0) { // and a discard of a whole block of a snapshot
            int block = r.nextInt(BLOCKS);
            pool.discard(id, (long) block * BS, BS);
            discarded.add(id * 1000L + block);
          }
          Thread.sleep(5);
        }
      }));
      threads.forEach(Thread::start);
      control.start();
      for (int t = 0; t < WRITERS; t++) {
        threads.get(t).join();
      }
      stop.set(true);
      control.join();
      threads.get(WRITERS).join();
      assertThat(errors).isEmpty();

      ByteBuffer got = ByteBuffer.allocateDirect(CHUNK);
      ByteBuffer scratch = ByteBuffer.allocate(CHUNK);
      for (int c = 0; c < CHUNKS; c++) {
        pool.read(1, (long) c * CHUNK, got.clear());
        assertThat(versionOf(got, c, scratch)).as("chunk %d: no write lost", c).isEqualTo(latest.get(c));
      }
      assertThat(snapshots).hasSizeGreaterThan(2);
      for (int[] snap : snapshots) {
        for (int c = 0; c < CHUNKS; c++) {
          pool.read(snap[0], (long) c * CHUNK, got.clear());
          int v = versionOf(got, c, scratch);
          if (discarded.contains(snap[0] * 1000L + c * CHUNK / BS)) {
            assertThat(v).as("discarded: zeros").isZero();
          } else {
            assertThat(v).as("snapshot %d chunk %d", snap[0], c).isGreaterThanOrEqualTo(snap[c + 1])
                .isLessThanOrEqualTo(latest.get(c));
          }
        }
      }
      assertThat(pool.verify()).isEmpty();
      pool.commit();
    }
    assertThat(PoolVerifier.check(tmp.resolve("dm")).problems()).isEmpty();
  }

  private interface Body {
    void run() throws Exception;
  }

  private static void run(ConcurrentLinkedQueue<Throwable> errors, CyclicBarrier start, Body body) {
    try {
      start.await();
      body.run();
    } catch (Throwable t) {
      errors.add(t);
    }
  }
}
