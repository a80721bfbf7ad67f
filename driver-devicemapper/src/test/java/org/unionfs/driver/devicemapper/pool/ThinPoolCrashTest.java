package org.unionfs.driver.devicemapper.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills (SIGKILL) a child JVM running random pool operations at a random moment, then checks that
 * the pool verifies clean and equals the model at the last commit the child finished (or the one it
 * had begun). Bytes written since that commit may be old or new (data written in place is not
 * transactional, as on a disk); everything else must be exact.
 */
class ThinPoolCrashTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "round {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void killNineReopensToTheLastCommit(int round) throws Exception {
    Random r = new Random(round * 7919L);
    long seed = 1000 + round;
    long threshold = round % 2 == 0 ? 512 : 1 << 16; // even rounds checkpoint on most commits
    Path dir = tmp.resolve("devicemapper");
    ThinPool.create(dir, new PoolConfig(2048L * ModelRun.BS, 4 << 20, ModelRun.BS)).close();

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The child's output goes to a file, not a pipe: destroying a Process closes its pipes, and lines
    // still in one would be lost, making the expected commit wrong.
    Path log = tmp.resolve("child.out");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), dir.toString(), Long.toString(seed), Long.toString(threshold))
        .redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!(Files.exists(log) && Files.readString(log).contains("READY")) && System.currentTimeMillis() < deadline
        && p.isAlive()) {
      Thread.sleep(20);
    }
    assertThat(Files.readString(log)).as("child started").contains("READY");
    Thread.sleep(200 + r.nextInt(1500));
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    int lastDone = 0;
    int lastBegun = 0;
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("BEGIN ")) {
        lastBegun = Integer.parseInt(line.substring(6));
      } else if (line.startsWith("DONE ")) {
        lastDone = Integer.parseInt(line.substring(5));
      }
    }
    assertThat(lastDone).as("the child committed something before the kill").isPositive();

    System.out.println("crash round " + round + ": killed after commit " + lastDone + " (begun " + lastBegun + ")");
    PoolVerifier.Report report = PoolVerifier.check(dir);
    assertThat(report.problems()).isEmpty();
    try (ThinPool pool = ThinPool.open(dir)) {
      assertThat(pool.verify()).isEmpty();
      List<String> mismatches = new ArrayList<>();
      for (int candidate : lastBegun > lastDone ? new int[] {lastDone, lastBegun} : new int[] {lastDone}) {
        String why = matches(pool, seed, candidate, lastBegun + 1);
        if (why == null) {
          return;
        }
        mismatches.add("commit " + candidate + ": " + why);
      }
      for (int c = Math.max(0, lastDone - 3); c <= lastBegun + 3; c++) { // diagnosis: which commit is it?
        if (matches(pool, seed, c, c + 1) == null) {
          mismatches.add("but it matches commit " + c);
        }
      }
      throw new AssertionError("pool matches no committed state (done " + lastDone + ", begun " + lastBegun
          + "): " + mismatches);
    }
  }

  /** Null when the pool equals the model at {@code commit}, except bytes written before {@code until}. */
  private static String matches(ThinPool pool, long seed, int commit, int until) throws Exception {
    ModelRun run = new ModelRun(seed);
    while (run.commits < commit) {
      run.step(null);
    }
    Map<Integer, byte[]> expected = run.copy();
    long tid = run.transactionId;
    run.writes.clear();
    while (run.commits < until) {
      run.step(null);
    }
    if (pool.transactionId() != tid) {
      return "transaction id " + pool.transactionId() + ", expected " + tid;
    }
    List<Integer> ids = new ArrayList<>();
    pool.devices().forEach(d -> ids.add(d.id()));
    if (!ids.equals(new ArrayList<>(expected.keySet()))) {
      return "devices " + ids + ", expected " + expected.keySet();
    }
    for (Map.Entry<Integer, byte[]> e : expected.entrySet()) {
      boolean[] loose = new boolean[ModelRun.DEV_BYTES];
      for (ModelRun.Written w : run.writes) {
        if (w.dev() == e.getKey()) {
          java.util.Arrays.fill(loose, (int) w.offset(), (int) w.offset() + w.length(), true);
        }
      }
      ByteBuffer b = ByteBuffer.allocate(ModelRun.DEV_BYTES);
      pool.read(e.getKey(), 0, b);
      byte[] got = b.array();
      for (int i = 0; i < got.length; i++) {
        if (!loose[i] && got[i] != e.getValue()[i]) {
          return "device " + e.getKey() + " differs at byte " + i;
        }
      }
    }
    return null;
  }
}
