package org.unionfs.bench.union;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.UnionFileSystem;

/**
 * How the union engine's lookups scale with the number of branches: the same tree of files at the bottom
 * of a 2-branch and of a 128-branch stack (every other branch holding a copy of each directory, so that
 * each lookup crosses them all the first time), then {@code getattr} of every file: first pass (cold
 * lookup), later passes (cached), and reads of a small file. Peers from the same run: plain {@code lstat}
 * of the bottom branch, and (as root) the same getattr through a kernel overlayfs mount of the same
 * branches. Prints {@code metric<TAB>value<TAB>unit} lines and the 128/2 ratios.
 *
 * <pre>UnionLookupBench [--dirs N (100)] [--files N (100)] [--passes N (5)] [--scratch DIR] [--wall]</pre>
 */
public final class UnionLookupBench {
  private final Posix posix = Posix.get();
  private final int dirs;
  private final int files;
  private final int passes;

  private UnionLookupBench(int dirs, int files, int passes) {
    this.dirs = dirs;
    this.files = files;
    this.passes = passes;
  }

  public static void main(String[] args) throws Exception {
    int dirs = 100;
    int files = 100;
    int passes = 5;
    Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dirs" -> dirs = Integer.parseInt(args[++i]);
        case "--files" -> files = Integer.parseInt(args[++i]);
        case "--passes" -> passes = Integer.parseInt(args[++i]);
        case "--scratch" -> scratch = Path.of(args[++i]);
        case "--wall" -> cpu = false;
        default -> {
          System.err.println("usage: UnionLookupBench [--dirs N] [--files N] [--passes N] [--scratch DIR]");
          System.exit(2);
        }
      }
    }
    Path root = Files.createTempDirectory(scratch, "union-lookup-bench");
    try {
      // warm-up on a small tree, so that the first measured pass is not the JIT's first
      new UnionLookupBench(10, 20, 2).run(Files.createDirectory(root.resolve("warmup")), false);
      new UnionLookupBench(dirs, files, passes).run(Files.createDirectory(root.resolve("run")), true);
    } finally {
      new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor();
    }
  }

  private void run(Path root, boolean print) throws Exception {
    quiet = !print;
    List<String> paths = new ArrayList<>();
    for (int d = 0; d < dirs; d++) {
      for (int f = 0; f < files; f++) {
        paths.add(String.format("/d%03d/f%04d", d, f));
      }
    }
    double[] warm = new double[2];
    int[] stacks = {2, 128};
    for (int s = 0; s < stacks.length; s++) {
      int n = stacks[s];
      List<Path> lowers = build(root.resolve("stack" + n), n - 1);
      Path upper = Files.createDirectory(root.resolve("stack" + n).resolve("upper"));
      try (UnionFileSystem fs = UnionFileSystem.open(UnionConfig.of(upper, lowers))) {
        long t0 = now();
        for (String p : paths) {
          fs.getattr(p);
        }
        report("union_getattr_first_ns", n, (now() - t0) / (double) paths.size());
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < passes; pass++) {
          long t = now();
          for (String p : paths) {
            fs.getattr(p);
          }
          best = Math.min(best, (now() - t) / (double) paths.size());
        }
        warm[s] = best;
        report("union_getattr_cached_ns", n, best);
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        long t = now();
        for (String p : paths) {
          long h = fs.open(p, UnionFileSystem.O_RDONLY);
          buf.clear();
          fs.read(h, buf, 0);
          fs.release(h);
        }
        report("union_open_read_release_ns", n, (now() - t) / (double) paths.size());
        t = now();
        for (int d = 0; d < dirs; d++) {
          fs.list(String.format("/d%03d", d));
        }
        report("union_readdir_first_ns_per_entry", n, (now() - t) / (double) paths.size());
        changes(fs, paths, n);
      }
      Path bottom = lowers.get(lowers.size() - 1);
      double plain = Double.MAX_VALUE;
      for (int pass = 0; pass < passes; pass++) {
        long t = now();
        for (String p : paths) {
          posix.lstat(bottom.resolve(p.substring(1)));
        }
        plain = Math.min(plain, (now() - t) / (double) paths.size());
      }
      report("plain_lstat_ns", n, plain);
      Path plainDir = Files.createDirectory(root.resolve("stack" + n).resolve("plain-new"));
      int count = Math.min(2000, paths.size() / 2);
      long tc = now();
      for (int i = 0; i < count; i++) {
        try (var ch = java.nio.channels.FileChannel.open(plainDir.resolve("f" + i),
            java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.allocate(4096));
        }
      }
      report("plain_create_4k_ns", n, (now() - tc) / (double) count);
      if ("root".equals(System.getProperty("user.name"))) {
        kernelOverlay(root.resolve("stack" + n), lowers, paths, n);
      }
    }
    if (!quiet) {
      System.out.printf(Locale.ROOT, "ratio_cached_getattr_128_vs_2\t%.2f\tx%n", warm[1] / warm[0]);
    }
  }

  /** Creates, copy-ups (append of one byte) and deletions of lower files (whiteouts), per operation. */
  private void changes(UnionFileSystem fs, List<String> paths, int n) throws IOException {
    ByteBuffer four = ByteBuffer.allocateDirect(4096);
    int count = Math.min(2000, paths.size() / 2);
    fs.mkdir("/new", 0755, org.unionfs.api.union.Caller.PROCESS);
    long t = now();
    for (int i = 0; i < count; i++) {
      long h = fs.create("/new/f" + i, 0644, UnionFileSystem.O_WRONLY | UnionFileSystem.O_EXCL,
          org.unionfs.api.union.Caller.PROCESS);
      four.clear();
      fs.write(h, four, 0);
      fs.release(h);
    }
    report("union_create_4k_ns", n, (now() - t) / (double) count);
    ByteBuffer one = ByteBuffer.allocateDirect(1);
    t = now();
    for (int i = 0; i < count; i++) {
      long h = fs.open(paths.get(i), UnionFileSystem.O_WRONLY | UnionFileSystem.O_APPEND);
      one.clear();
      fs.write(h, one, 0);
      fs.release(h);
    }
    report("union_copyup_append_ns", n, (now() - t) / (double) count);
    t = now();
    for (int i = count; i < 2 * count; i++) {
      fs.unlink(paths.get(i));
    }
    report("union_unlink_lower_ns", n, (now() - t) / (double) count);
  }

  /** The peer: the same lstat loop through a kernel overlayfs of the same branches. */
  private void kernelOverlay(Path base, List<Path> lowers, List<String> paths, int n) throws IOException {
    Path up = Files.createDirectories(base.resolve("ovl-upper"));
    Path work = Files.createDirectories(base.resolve("ovl-work"));
    Path mnt = Files.createDirectories(base.resolve("ovl-mnt"));
    // short names, so that 127 lower paths fit in the one page of mount data
    Path shortDir = Files.createDirectories(Path.of("/tmp/ulb" + n));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < lowers.size(); i++) {
      Path link = shortDir.resolve(Integer.toString(i));
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, lowers.get(i));
      names.add(link.toString());
    }
    String lowerdir = String.join(":", names);
    try {
      posix.mount("overlay", mnt, "overlay", 0,
          "lowerdir=" + lowerdir + ",upperdir=" + up + ",workdir=" + work);
    } catch (IOException e) {
      System.out.println("# kernel overlay not measured: " + e.getMessage());
      return;
    }
    try {
      long t0 = now();
      for (String p : paths) {
        posix.lstat(mnt.resolve(p.substring(1)));
      }
      report("kernel_overlay_lstat_first_ns", n, (now() - t0) / (double) paths.size());
      double best = Double.MAX_VALUE;
      for (int pass = 0; pass < passes; pass++) {
        long t = now();
        for (String p : paths) {
          posix.lstat(mnt.resolve(p.substring(1)));
        }
        best = Math.min(best, (now() - t) / (double) paths.size());
      }
      report("kernel_overlay_lstat_cached_ns", n, best);
    } finally {
      posix.umount2(mnt, 0);
      new ProcessBuilder("rm", "-rf", shortDir.toString()).start();
    }
  }

  /** {@code count} lower branches, top first: the files at the bottom, directory copies in every other one. */
  private List<Path> build(Path base, int count) throws IOException {
    Path[] b = new Path[count];
    for (int i = 0; i < count; i++) {
      b[i] = Files.createDirectories(base.resolve(String.format("l%03d", i)));
    }
    for (int d = 0; d < dirs; d++) {
      for (int i = 0; i < count; i += 2) {
        Files.createDirectories(b[i].resolve(String.format("d%03d", d)));
      }
      Path dir = Files.createDirectories(b[count - 1].resolve(String.format("d%03d", d)));
      byte[] content = new byte[100];
      for (int f = 0; f < files; f++) {
        Files.write(dir.resolve(String.format("f%04d", f)), content);
      }
    }
    return Arrays.asList(b);
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();
  private static boolean cpu = true;
  private static boolean quiet;

  /**
   * The clock: this thread's CPU time (user + system) by default, since the host is shared and wall time
   * mostly measures other jobs; {@code --wall} for elapsed time. Kernel overlayfs work done in this thread's
   * syscalls counts as its CPU time too, so the peer is measured the same way.
   */
  private static long now() {
    return cpu ? THREADS.getCurrentThreadCpuTime() : now();
  }

  private static void report(String metric, int branches, double nsPerOp) {
    if (quiet) {
      return;
    }
    System.out.printf(Locale.ROOT, "%s\tbranches=%d\t%.0f\tns/op(%s)%n", metric, branches, nsPerOp,
        cpu ? "cpu" : "wall");
  }
}
