import java.nio.file.Path;
import java.util.Arrays;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.driver.vfs.VfsDriverProvider;

/**
 * In-process timing of vfs create(child, base) for bench/vfs-child-create.sh (JVM start excluded).
 *
 * <pre>
 *   java -cp CP VfsChildCreate.java init HOME          creates the empty layer "base"
 *   java -cp CP VfsChildCreate.java bench HOME RUNS    times RUNS creates of a child of "base"
 *   java -cp CP VfsChildCreate.java serve HOME         one timed create per input line, so that a script
 *                                                      can interleave them with its peers' runs
 * </pre>
 * bench prints "first_s", "median_s", "min_s" and the driver's capabilities, one "key value" per line;
 * serve prints "capabilities ..." and then the seconds of each create.
 */
public class VfsChildCreate {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[1]);
    try (GraphDriver d = new VfsDriverProvider().open(DriverContext.of(home))) {
      if (args[0].equals("init")) {
        d.create("base", null, CreateOptions.NONE);
        System.out.println("base " + d.get("base", ""));
        d.put("base");
        return;
      }
      if (args[0].equals("serve")) {
        System.out.println("capabilities " + d.capabilities());
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        int n = 0;
        for (String line; (line = in.readLine()) != null && !line.isBlank(); n++) {
          String id = "child-" + n;
          long start = System.nanoTime();
          d.create(id, "base", CreateOptions.NONE);
          double s = (System.nanoTime() - start) / 1e9;
          d.remove(id); // untimed, but before answering, as the peers' rm -rf
          System.out.printf("%.4f%n", s);
          System.out.flush();
        }
        return;
      }
      int runs = Integer.parseInt(args[2]);
      System.out.println("capabilities " + d.capabilities());
      double[] secs = new double[runs];
      for (int i = 0; i < runs; i++) {
        String id = "child-" + i;
        long start = System.nanoTime();
        d.create(id, "base", CreateOptions.NONE);
        secs[i] = (System.nanoTime() - start) / 1e9;
        d.remove(id); // untimed
      }
      System.out.printf("first_s %.4f%n", secs[0]);
      double[] sorted = secs.clone();
      Arrays.sort(sorted);
      System.out.printf("median_s %.4f%n", sorted[runs / 2]);
      System.out.printf("min_s %.4f%n", sorted[0]);
    }
  }
}
