import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.driver.overlay2.Overlay2DriverProvider;

/**
 * overlay2 benchmarks through the public API (run by bench/overlay2/run.sh, which also times the peers):
 *
 * <pre>
 *   getput HOME N          get/put of a parentless layer, of an empty child (one lower) and of the top of
 *                          a 128-lower stack (relative-path mount through mount(8)); ns per get+put
 *   stack HOME             builds the 128-lower stack and prints the mount options of its top, for peers
 *   diff HOME CORPUS RUNS  native vs naive diff of a child with 100 modified, 100 added and 20 deleted
 *                          files over a base holding CORPUS (100,000 files), and of a child holding CORPUS
 *                          itself over an empty base; median ms and the naive/native ratio
 * </pre>
 */
public final class Overlay2Bench {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[1]);
    try (GraphDriver d = new Overlay2DriverProvider().open(new DriverContext(home, Map.of()))) {
      switch (args[0]) {
        case "getput" -> getPut(d, Integer.parseInt(args[2]));
        case "stack" -> System.out.println("top " + stack(d));
        case "diff" -> diff(d, Path.of(args[2]), Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  static void getPut(GraphDriver d, int n) throws IOException {
    d.create("empty", null, CreateOptions.NONE);
    d.create("emptychild", "empty", CreateOptions.NONE);
    String top = stack(d);
    report("getput-parentless", time(d, "empty", n * 10), n * 10);
    report("getput-empty-child", time(d, "emptychild", n), n);
    report("getput-128-lowers", time(d, top, n), n);
  }

  static long time(GraphDriver d, String id, int n) throws IOException {
    for (int i = 0; i < Math.min(20, n); i++) { // warm-up
      d.get(id, "");
      d.put(id);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      d.get(id, "");
      d.put(id);
    }
    return System.nanoTime() - t0;
  }

  static void report(String what, long nanos, int n) {
    System.out.printf("%s ops=%d ns_per_op=%d%n", what, n, nanos / n);
  }

  /** base + 127 layers + top: the top has 128 lower layers. */
  static String stack(GraphDriver d) throws IOException {
    if (d.exists("s128")) {
      return "s128";
    }
    d.create("s0", null, CreateOptions.NONE);
    Files.writeString(d.get("s0", "").resolve("f0"), "0");
    d.put("s0");
    for (int i = 1; i <= 128; i++) {
      d.create("s" + i, "s" + (i - 1), CreateOptions.NONE);
      if (i < 128) {
        Path p = d.get("s" + i, "");
        Files.writeString(p.resolve("f" + i), Integer.toString(i));
        d.put("s" + i);
      }
    }
    return "s128";
  }

  static void diff(GraphDriver d, Path corpus, int runs) throws Exception {
    GraphDriver naive = NaiveDiffDriver.wrap(d);
    d.create("big", null, CreateOptions.NONE);
    copy(corpus, d.get("big", ""));
    d.put("big");
    d.createReadWrite("small", "big", CreateOptions.NONE);
    Path v = d.get("small", "");
    List<Path> files = new ArrayList<>();
    try (var s = Files.walk(v)) {
      s.filter(Files::isRegularFile).limit(200_000).forEach(files::add);
    }
    Random r = new Random(42);
    for (int i = 0; i < 100; i++) {
      Files.writeString(files.get(r.nextInt(files.size())), "modified " + i);
    }
    for (int i = 0; i < 100; i++) {
      Files.writeString(v.resolve("added-" + i), "added " + i);
    }
    for (int i = 0; i < 20; i++) {
      Files.deleteIfExists(files.get(r.nextInt(files.size())));
    }
    d.put("small");
    d.create("none", null, CreateOptions.NONE);
    d.create("full", "none", CreateOptions.NONE);
    copy(corpus, d.get("full", ""));
    d.put("full");
    System.out.println("# corpus " + corpus + ": " + files.size() + " regular files");
    compare("diff-small-child-of-100k-base", d, naive, "small", "big", runs);
    compare("diff-100k-child-of-empty-base", d, naive, "full", "none", runs);
  }

  static void compare(String what, GraphDriver nat, GraphDriver naive, String id, String parent, int runs)
      throws IOException {
    long[] n = new long[runs];
    long[] m = new long[runs];
    long bytesNative = 0;
    long bytesNaive = 0;
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      bytesNative = drain(nat.diff(id, parent));
      n[i] = System.nanoTime() - t0;
      t0 = System.nanoTime();
      bytesNaive = drain(naive.diff(id, parent));
      m[i] = System.nanoTime() - t0;
    }
    Arrays.sort(n);
    Arrays.sort(m);
    long native_ = n[runs / 2];
    long naive_ = m[runs / 2];
    System.out.printf("%s native_ms=%d naive_ms=%d naive/native=%.2f tar_bytes native=%d naive=%d%n", what,
        native_ / 1_000_000, naive_ / 1_000_000, (double) naive_ / native_, bytesNative, bytesNaive);
  }

  static long drain(InputStream in) throws IOException {
    long total = 0;
    byte[] buf = new byte[1 << 16];
    try (in) {
      for (int k; (k = in.read(buf)) > 0; ) {
        total += k;
      }
    }
    return total;
  }

  static void copy(Path from, Path to) throws Exception {
    Process p = new ProcessBuilder("cp", "-a", from + "/.", to.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("cp -a " + from + " failed");
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
