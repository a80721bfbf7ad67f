package org.unionfs.driver.overlay2;

import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;

/**
 * Run in a child JVM by {@link RecoveryTest}: opens a driver, mounts two layers, writes through one,
 * prints READY and waits to be killed with SIGKILL.
 */
public final class StaleMountHolder {
  private StaleMountHolder() {}

  public static void main(String[] args) throws Exception {
    GraphDriver driver = new Overlay2DriverProvider().open(DriverContext.of(Path.of(args[0])));
    driver.create("base", null, CreateOptions.NONE);
    Files.writeString(driver.get("base", "").resolve("base.txt"), "base");
    driver.put("base");
    driver.create("img", "base", CreateOptions.NONE);
    driver.createReadWrite("ctr", "img", CreateOptions.NONE);
    Path ctr = driver.get("ctr", "");
    Files.writeString(ctr.resolve("written-before-crash.txt"), "kept");
    driver.get("img", "");
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(600_000);
  }
}
