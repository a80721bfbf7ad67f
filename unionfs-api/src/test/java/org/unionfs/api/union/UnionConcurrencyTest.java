package org.unionfs.api.union;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads at once, as FUSE calls the engine: each worker changes its own directory (copy-ups,
 * whiteouts, creates, renames) and checks its own view, readers list and read everything meanwhile, and all
 * append to one shared lower file. At the end each directory must hold exactly what its worker expects.
 */
class UnionConcurrencyTest {
  @TempDir Path tmp;

  private static final int WORKERS = 6;
  private static final int FILES = 40;

  @Test
  void workersAndReadersInParallel() throws Exception {
    Path upper = Files.createDirectory(tmp.resolve("upper"));
    Path mid = Files.createDirectory(tmp.resolve("mid"));
    Path low = Files.createDirectory(tmp.resolve("low"));
    for (int w = 0; w < WORKERS; w++) {
      Path d = Files.createDirectories(low.resolve("w" + w));
      Files.createDirectories(mid.resolve("w" + w));
      for (int f = 0; f < FILES; f++) {
        Files.writeString((f % 2 == 0 ? low : mid).resolve("w" + w).resolve("f" + f), content(w, f));
      }
    }
    Files.write(low.resolve("shared"), new byte[1000]);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger appends = new AtomicInteger();
    try (UnionFileSystem fs = UnionFileSystem.open(UnionConfig.of(upper, List.of(mid, low)))) {
      List<Thread> threads = new ArrayList<>();
      List<Map<String, String>> expected = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      for (int w = 0; w < WORKERS; w++) {
        Map<String, String> mine = new HashMap<>();
        for (int f = 0; f < FILES; f++) {
          mine.put("f" + f, content(w, f));
        }
        expected.add(mine);
        int id = w;
        threads.add(new Thread(() -> run(errors, start, () -> work(fs, id, mine, appends))));
      }
      for (int r = 0; r < 2; r++) {
        int seed = r;
        threads.add(new Thread(() -> run(errors, start, () -> read(fs, seed, done))));
      }
      threads.forEach(Thread::start);
      start.countDown();
      for (int i = 0; i < WORKERS; i++) {
        threads.get(i).join();
      }
      done.set(true);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(errors).isEmpty();
      for (int w = 0; w < WORKERS; w++) {
        String dir = "/w" + w;
        assertThat(fs.list(dir).stream().map(DirEntry::name).sorted().toList())
            .isEqualTo(expected.get(w).keySet().stream().sorted().toList());
        for (var e : expected.get(w).entrySet()) {
          assertThat(new String(TreeCompare.readAll(fs, dir + "/" + e.getKey()))).isEqualTo(e.getValue());
        }
      }
      assertThat(fs.getattr("/shared").size()).isEqualTo(1000 + appends.get());
    }
    assertThat(upper.resolve(".wh..wh.orph")).doesNotExist();
  }

  interface Body {
    void run() throws Exception;
  }

  private static void run(ConcurrentLinkedQueue<Throwable> errors, CountDownLatch start, Body body) {
    try {
      start.await();
      body.run();
    } catch (Throwable t) {
      errors.add(t);
    }
  }

  private static String content(int w, int f) {
    return "worker " + w + " file " + f + "\n";
  }

  /** Random changes in /w{id}; {@code mine} follows them. */
  private static void work(UnionFileSystem fs, int id, Map<String, String> mine, AtomicInteger appends)
      throws IOException {
    Random rnd = new Random(id);
    String dir = "/w" + id;
    for (int i = 0; i < 150; i++) {
      List<String> names = new ArrayList<>(mine.keySet());
      String name = names.isEmpty() ? null : names.get(rnd.nextInt(names.size()));
      switch (rnd.nextInt(6)) {
        case 0 -> {
          if (name != null) {
            String add = "+" + i;
            long h = fs.open(dir + "/" + name, UnionFileSystem.O_WRONLY | UnionFileSystem.O_APPEND);
            fs.write(h, ByteBuffer.wrap(add.getBytes()), 0);
            fs.release(h);
            mine.put(name, mine.get(name) + add);
          }
        }
        case 1 -> {
          if (name != null) {
            fs.unlink(dir + "/" + name);
            mine.remove(name);
          }
        }
        case 2 -> {
          String n = "c" + i;
          long h = fs.create(dir + "/" + n, 0644, UnionFileSystem.O_RDWR | UnionFileSystem.O_EXCL, Caller.PROCESS);
          fs.write(h, ByteBuffer.wrap(n.getBytes()), 0);
          fs.release(h);
          mine.put(n, n);
        }
        case 3 -> {
          if (name != null) {
            String n = "r" + i;
            fs.rename(dir + "/" + name, dir + "/" + n, 0);
            mine.put(n, mine.remove(name));
          }
        }
        case 4 -> {
          long h = fs.open("/shared", UnionFileSystem.O_WRONLY | UnionFileSystem.O_APPEND);
          fs.write(h, ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
          fs.release(h);
          appends.addAndGet(3);
        }
        default -> {
          if (name != null) {
            assertThat(new String(TreeCompare.readAll(fs, dir + "/" + name))).isEqualTo(mine.get(name));
          }
        }
      }
    }
  }

  /** Lists and reads everywhere until the workers are done; names may vanish under it, nothing else. */
  private static void read(UnionFileSystem fs, int seed, AtomicBoolean done) throws IOException {
    Random rnd = new Random(100 + seed);
    while (!done.get()) {
      String dir = "/w" + rnd.nextInt(WORKERS);
      for (DirEntry e : fs.list(dir)) {
        try {
          UnionStat s = fs.getattr(dir + "/" + e.name());
          assertThat(s.ino()).isEqualTo(e.ino());
          byte[] data = TreeCompare.readAll(fs, dir + "/" + e.name());
          // whole: a copy-up is never seen half done; empty only between a worker's create and its write
          assertThat(new String(data)).matches("((worker \\d+ file \\d+\n|c\\d+)(\\+\\d+)*)?");
        } catch (NoSuchFileException gone) {
          // removed or renamed by its worker in between: fine
        }
      }
      long h = fs.opendir("/");
      fs.readdir(h, 0, (e, next) -> true);
      fs.releasedir(h);
    }
  }
}
