package org.unionfs.bench;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.unionfs.api.Change;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;

/**
 * The layer-tar engine as a library call, timed inside one JVM after warm-up runs, for
 * {@code bench/layer-bench.sh}. Prints one line {@code op=... runs_s=[...] in_jvm_s=<median wall>
 * in_jvm_cpu_s=<median CPU of the whole process during the call>} on stderr.
 *
 * <pre>
 * LayerOps apply   TAR DEST [--base DIR] [--format delete|aufs|overlay] [--cold]
 * LayerOps changes UPPER LOWER
 * LayerOps diff    UPPER LOWER            changes + writeChanges, the tar on stdout
 * LayerOps export  DIR [--format ...]     writeTree, the tar on stdout
 *   common: [--runs N (3)] [--warmup N (1)]
 * </pre>
 * apply: before each run (untimed) DEST is removed, re-created (as a copy of --base if given, with
 * {@code cp -a}), the tar is read once into the page cache and, with --cold, the page cache is dropped
 * first (as the peers in layer-bench.sh). Output of diff/export goes to stdout (pipe it to
 * {@code cat > /dev/null}, as the GNU tar peer is).
 */
public final class LayerOps {
  private LayerOps() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: LayerOps apply|changes|diff|export ARGS... (see the class comment)");
      System.exit(2);
    }
    String op = args[0];
    List<String> pos = new ArrayList<>();
    int runs = 3;
    int warmup = 1;
    boolean cold = false;
    Path base = null;
    WhiteoutFormat format = WhiteoutFormat.DELETE;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--cold" -> cold = true;
        case "--base" -> base = Path.of(args[++i]);
        case "--format" -> format = switch (args[++i].toLowerCase(Locale.ROOT)) {
          case "delete" -> WhiteoutFormat.DELETE;
          case "aufs" -> WhiteoutFormat.AUFS;
          case "overlay" -> WhiteoutFormat.OVERLAY;
          default -> throw new IllegalArgumentException("format: " + args[i]);
        };
        default -> pos.add(args[i]);
      }
    }
    OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    double[] times = new double[runs];
    double[] cpus = new double[runs];
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long result = 0;
    for (int i = -warmup; i < runs; i++) {
      long t0;
      long t1;
      long c0 = 0;
      switch (op) {
        case "apply" -> {
          Path tar = Path.of(pos.get(0));
          Path dest = Path.of(pos.get(1));
          prepareApply(tar, dest, base, cold);
          c0 = os.getProcessCpuTime();
          t0 = System.nanoTime();
          try (InputStream in = Files.newInputStream(tar)) {
            result = LayerTar.apply(dest, in, format);
          }
          t1 = System.nanoTime();
        }
        case "changes" -> {
          c0 = os.getProcessCpuTime();
          t0 = System.nanoTime();
          result = LayerTar.changes(Path.of(pos.get(0)), Path.of(pos.get(1))).size();
          t1 = System.nanoTime();
        }
        case "diff" -> {
          c0 = os.getProcessCpuTime();
          t0 = System.nanoTime();
          Path upper = Path.of(pos.get(0));
          List<Change> ch = LayerTar.changes(upper, Path.of(pos.get(1)));
          LayerTar.writeChanges(upper, ch, stdout);
          stdout.flush();
          t1 = System.nanoTime();
          result = ch.size();
        }
        case "export" -> {
          c0 = os.getProcessCpuTime();
          t0 = System.nanoTime();
          LayerTar.writeTree(Path.of(pos.get(0)), format, stdout);
          stdout.flush();
          t1 = System.nanoTime();
        }
        default -> throw new IllegalArgumentException("unknown op " + op);
      }
      if (i >= 0) {
        times[i] = (t1 - t0) / 1e9;
        cpus[i] = (os.getProcessCpuTime() - c0) / 1e9;
      }
    }
    System.err.printf(Locale.ROOT, "op=%s result=%d runs_s=%s in_jvm_s=%.3f in_jvm_cpu_s=%.3f%n", op,
        result, Arrays.toString(times).replace(" ", ""), median(times), median(cpus));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(s.length - 1) / 2];
  }

  private static void prepareApply(Path tar, Path dest, Path base, boolean cold) throws Exception {
    sh("rm", "-rf", dest.toString());
    if (base != null) {
      sh("cp", "-a", base.toString(), dest.toString());
    } else {
      Files.createDirectories(dest);
    }
    if (cold) {
      sh("sync");
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    }
    if (base != null) {
      sh("du", "-s", dest.toString()); // metadata of the copy warm, as the peers' prep
    }
    try (InputStream in = Files.newInputStream(tar)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static void sh(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", argv) + ": exit " + p.exitValue());
    }
  }
}
