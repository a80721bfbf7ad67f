package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * Concurrent use of one driver: different layers in parallel (each thread's results exact), and the
 * same layer from many threads (one path, balanced references).
 */
public abstract class ConcurrencyChecks extends ConformanceBase {
  private static final int THREADS = 8;

  protected ConcurrencyChecks(DriverFactory factory) {
    super(factory);
  }

  /** Eight threads each create, write, diff and remove their own child of a shared base. */
  @Test
  void differentLayers_inParallel_eachExact() throws Exception {
    driver.create("base", null, CreateOptions.NONE);
    GraphtestFiles.addManyFiles(this, "base", 30, 3);
    TreeManifest base = manifestOf("base");
    runAll(THREADS, n -> {
      String id = "worker-" + n;
      driver.createReadWrite(id, "base", CreateOptions.NONE);
      List<Change> expected = new ArrayList<>();
      withView(id, root -> {
        for (int i = 0; i < 20; i++) {
          Files.write(root.resolve("w" + n + "-" + i), RandomContent.of(100 + i, n * 100L + i));
          expected.add(Change.add("/w" + n + "-" + i));
        }
        Files.delete(root.resolve("directory-0/file-" + n));
        return null;
      });
      expected.add(Change.modify("/directory-0"));
      expected.add(Change.delete("/directory-0/file-" + n));
      expected.sort(Change.BY_PATH);
      assertThat(driver.changes(id, "base")).as("changes of %s", id).containsExactlyElementsOf(expected);
      driver.remove(id);
      assertThat(driver.exists(id)).isFalse();
      return null;
    });
    TreeAssert.assertTreesEqual(base, manifestOf("base"), "base after parallel children");
  }

  /** Many threads get and put the same layer: always the same path, and no reference left over. */
  @Test
  void sameLayer_getPutFromManyThreads_balanced() throws Exception {
    driver.createReadWrite("shared", null, CreateOptions.NONE);
    addFile("shared", "f", Fixture.bytes("shared"));
    Set<Path> paths = java.util.Collections.synchronizedSet(new HashSet<>());
    runAll(THREADS, n -> {
      for (int i = 0; i < 25; i++) {
        Path p = driver.get("shared", "");
        try {
          paths.add(p);
          assertThat(Files.readString(p.resolve("f"))).isEqualTo("shared");
        } finally {
          driver.put("shared");
        }
      }
      return null;
    });
    assertThat(paths).as("paths get returned").hasSize(1);
    assertThatThrownBy(() -> driver.put("shared")).isInstanceOf(InvalidArgumentException.class);
    driver.remove("shared");
  }

  /** One numbered task. */
  @FunctionalInterface
  interface Task {
    Void run(int n) throws Exception;
  }

  /** Runs {@code n} tasks at once (started together) and rethrows the first failure. */
  static void runAll(int n, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Void>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        Callable<Void> c = () -> {
          start.await();
          return task.run(k);
        };
        futures.add(pool.submit(c));
      }
      start.countDown();
      for (Future<Void> f : futures) {
        try {
          f.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception ex) {
            throw ex;
          }
          throw (Error) e.getCause();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

}
