package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;

/**
 * The process {@link DevicemapperCrashTest} kills with SIGKILL. Modes:
 * <ul>
 *   <li>{@code mounted HOME}: makes base-a-b, writes and fsyncs a file in b, keeps b mounted, prints
 *       READY and waits to be killed;
 *   <li>{@code churn HOME}: creates, fills and removes layers in a loop, printing each layer's id once its
 *       create returned ("created ID"), before its remove ("removing ID") and once the remove returned
 *       ("removed ID"), until killed.
 * </ul>
 */
public final class DmKillChild {
  private DmKillChild() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(2); // the FUSE threads would keep the JVM alive
    }
  }

  private static void run(String[] args) throws Exception {
    Path home = Path.of(args[1]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    GraphDriver d = new DevicemapperDriverProvider().open(new DriverContext(home, DmHost.SMALL));
    if (args[0].equals("mounted")) {
      d.create("a", null, CreateOptions.NONE);
      write(d.get("a", ""), "in-a", "from a");
      d.put("a");
      d.createReadWrite("b", "a", CreateOptions.NONE);
      Path b = d.get("b", "");
      write(b, "in-b", "from b");
      out.println("READY " + b);
      Thread.sleep(600_000);
    } else {
      d.create("keep", null, CreateOptions.NONE);
      write(d.get("keep", ""), "kept", "kept");
      d.put("keep");
      out.println("created keep");
      for (int i = 0; ; i++) {
        String id = "churn" + i;
        d.createReadWrite(id, "keep", CreateOptions.withStorageOptions(
            i % 3 == 0 ? Map.of("size", "160M") : Map.of()));
        out.println("created " + id);
        Path root = d.get(id, "");
        write(root, "f" + i, "x".repeat(200_000));
        d.put(id);
        if (i % 2 == 0) {
          out.println("removing " + id);
          d.remove(id);
          out.println("removed " + id);
        }
      }
    }
  }

  private static void write(Path dir, String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
