package org.unionfs.driver.aufs;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;

/**
 * Run in a child JVM by {@link AufsRecoveryTest} and killed there with SIGKILL.
 *
 * <p>{@code mount HOME}: mounts a container layer over an image layer, writes through it, prints READY
 * and sleeps; {@code mount-nio HOME} does the same with {@code aufs.mountmode=nio} and also leaves a file
 * open and one open but unlinked. {@code remove HOME N}: makes a base layer of N files, prints REMOVING and removes it.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    boolean nio = args[0].endsWith("-nio");
    GraphDriver driver = new AufsDriverProvider().open(new DriverContext(Path.of(args[1]),
        nio ? java.util.Map.of(AufsOptions.MOUNT_MODE, "nio") : java.util.Map.of()));
    switch (args[0].replace("-nio", "")) {
      case "mount" -> {
        driver.create("base", null, CreateOptions.NONE);
        Files.writeString(driver.get("base", "").resolve("base.txt"), "base");
        driver.put("base");
        driver.create("img", "base", CreateOptions.NONE);
        driver.createReadWrite("ctr", "img", CreateOptions.NONE);
        Path ctr = driver.get("ctr", "");
        Files.writeString(ctr.resolve("written-before-crash.txt"), "kept");
        if (nio) {
          // a file open for writing and one unlinked while open: the union's orphan bookkeeping is in use.
          // Not through FUSE: a process killed while holding files open on its own FUSE mount can hang in
          // the kernel (its release waits for the daemon, which is itself).
          var open = Files.newByteChannel(ctr.resolve("open.txt"), java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.WRITE);
          open.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
          var unlinked = Files.newByteChannel(ctr.resolve("base.txt"), java.nio.file.StandardOpenOption.WRITE);
          Files.delete(ctr.resolve("base.txt"));
        }
        driver.get("img", "");
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(600_000);
      }
      case "remove" -> {
        int n = Integer.parseInt(args[2]);
        driver.create("big", null, CreateOptions.NONE);
        Path big = driver.get("big", "");
        for (int i = 0; i < n; i++) {
          Path d = Files.createDirectories(big.resolve("d" + (i % 100)));
          Files.writeString(d.resolve("f" + i), "x");
        }
        driver.put("big");
        System.out.println("REMOVING");
        System.out.flush();
        driver.remove("big");
        System.out.println("REMOVED");
        System.out.flush();
        Thread.sleep(600_000);
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
