package org.unionfs.driver.devicemapper.pool;

import java.nio.file.Path;

/**
 * The process {@link ThinPoolCrashTest} kills: runs a seeded {@link ModelRun} on an existing pool
 * forever, printing "BEGIN n" and "DONE n" around commit n.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    MetadataStore.checkpointThreshold = Long.parseLong(args[2]);
    ThinPool pool = ThinPool.open(dir);
    ModelRun run = new ModelRun(seed);
    run.beforeCommit = n -> {
      System.out.println("BEGIN " + n);
      System.out.flush();
    };
    run.afterCommit = n -> {
      System.out.println("DONE " + n);
      System.out.flush();
    };
    System.out.println("READY");
    System.out.flush();
    while (true) {
      run.step(pool);
    }
  }
}
