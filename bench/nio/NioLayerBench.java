import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.driver.aufs.AufsDriverProvider;
import org.unionfs.driver.overlay2.Overlay2DriverProvider;

/**
 * Speed of the aufs driver through FUSE and through the in-process NIO view (aufs.mountmode=nio), against
 * overlay2 (kernel overlayfs) on the same machine in the same run (run by bench/nio/run.sh, as root):
 *
 * <pre>
 *   NioLayerBench WORK N ROUNDS
 *     getput-128   get + put of the top of a 128-layer stack (base + 127 layers above it)
 *     read-20      moby's DriverBenchDeepLayerRead: read testfile.txt (written in the base layer) through
 *     read-128     the view of the top of 20 / 128 layers, each layer adding a file of its own
 * </pre>
 *
 * Each figure is the median over ROUNDS rounds of N operations (reads: 10 N) in ns per operation, after
 * warm-up rounds; ratios are against overlay2 from the same run.
 */
public final class NioLayerBench {
  private static final byte[] CONTENT = "test content".getBytes(StandardCharsets.UTF_8);

  /** A driver under test: how to open it on a home. */
  private record Peer(String name, Opener opener) {}

  @FunctionalInterface
  private interface Opener {
    GraphDriver open(Path home) throws IOException;
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Path aufsHome = work.resolve("aufs");
    List<Peer> peers = List.of(
        new Peer("overlay2", home -> new Overlay2DriverProvider().open(new DriverContext(home, Map.of()))),
        new Peer("aufs-fuse", home -> new AufsDriverProvider().open(DriverContext.of(home))),
        new Peer("aufs-nio", home -> new AufsDriverProvider().open(
            new DriverContext(home, Map.of("aufs.mountmode", "nio")))));
    Map<String, Map<String, Long>> results = new LinkedHashMap<>();
    for (Peer p : peers) {
      // both aufs modes share one home (the layout is the same); overlay2 has its own
      Path home = p.name().startsWith("aufs") ? aufsHome : work.resolve(p.name());
      try (GraphDriver d = p.opener().open(home)) {
        String top20 = stack(d, "d20", 20);
        String top128 = stack(d, "d128", 128);
        // warm the JIT on both read paths before either is measured
        for (int i = 0; i < 3; i++) {
          read(d, top20, n * 10);
          read(d, top128, n * 10);
        }
        Map<String, Long> r = new LinkedHashMap<>();
        r.put("getput-128", median(rounds, () -> getPut(d, top128, n)) / n);
        r.put("read-20", median(rounds, () -> read(d, top20, n * 10)) / (n * 10L));
        r.put("read-128", median(rounds, () -> read(d, top128, n * 10)) / (n * 10L));
        results.put(p.name(), r);
        r.forEach((k, v) -> System.out.printf("%-10s %-11s ns_per_op=%d%n", p.name(), k, v));
      }
    }
    System.out.println();
    System.out.println("| op | overlay2 ns/op | aufs FUSE ns/op | aufs NIO ns/op | FUSE/overlay2 | NIO/overlay2 | NIO/FUSE |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (String op : results.get("overlay2").keySet()) {
      long o = results.get("overlay2").get(op);
      long f = results.get("aufs-fuse").get(op);
      long v = results.get("aufs-nio").get(op);
      System.out.printf("| %s | %d | %d | %d | %.2f | %.2f | %.2f |%n", op, o, f, v, (double) f / o,
          (double) v / o, (double) v / f);
    }
  }

  /**
   * moby's addManyLayers over a base holding testfile.txt: the base and {@code depth - 1} layers above it,
   * each adding a file; returns the top. Reuses a stack made by an earlier peer on the same home.
   */
  static String stack(GraphDriver d, String prefix, int depth) throws IOException {
    String top = prefix + "-" + (depth - 1);
    if (d.exists(top)) {
      return top;
    }
    d.create(prefix + "-0", null, CreateOptions.NONE);
    Files.write(d.get(prefix + "-0", "").resolve("testfile.txt"), CONTENT);
    d.put(prefix + "-0");
    for (int i = 1; i < depth; i++) {
      String id = prefix + "-" + i;
      d.create(id, prefix + "-" + (i - 1), CreateOptions.NONE);
      Files.writeString(d.get(id, "").resolve("layer-" + i), id);
      d.put(id);
    }
    return top;
  }

  @FunctionalInterface
  private interface Timed {
    long run() throws IOException;
  }

  /** The median of {@code rounds} timings, after one warm-up. */
  static long median(int rounds, Timed t) throws IOException {
    t.run();
    long[] times = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      times[i] = t.run();
    }
    Arrays.sort(times);
    return times[rounds / 2];
  }

  static long getPut(GraphDriver d, String id, int n) throws IOException {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      d.get(id, "");
      d.put(id);
    }
    return System.nanoTime() - t0;
  }

  /** DeepLayerRead: the view is got once; each op reads the whole file and checks it. */
  static long read(GraphDriver d, String id, int n) throws IOException {
    Path root = d.get(id, "");
    try {
      Path file = root.resolve("testfile.txt");
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (!Arrays.equals(Files.readAllBytes(file), CONTENT)) {
          throw new IllegalStateException("testfile.txt differs through " + root);
        }
      }
      return System.nanoTime() - t0;
    } finally {
      d.put(id);
    }
  }
}
