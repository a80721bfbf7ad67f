import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.unionfs.driver.devicemapper.activation.DeviceActivator;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * Untar of a rootfs tarball onto ext4 on an activated thin device (pool -> FUSE -> loop dio -> ext4)
 * vs the same untar onto ext4 on a plain loop-mounted sparse image file in the same directory, same
 * run, alternating. Each timing is `tar -xf TAR -C MNT && sync -f MNT` on a freshly made filesystem
 * (mkfs.ext4 -E nodiscard,lazy_itable_init=0,lazy_journal_init=0 on both). Needs root.
 * Usage: java -cp CP UntarBench.java WORKDIR TARBALL [RUNS=3] [DEVICE_GIB=4]
 */
public class UntarBench {
  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    Path tar = Path.of(args[1]).toAbsolutePath();
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    long size = (args.length > 3 ? Long.parseLong(args[3]) : 4) << 30;
    sh("cat " + tar + " > /dev/null"); // the tarball comes from the page cache for every run
    double[] ours = new double[runs];
    double[] plain = new double[runs];
    for (int r = 0; r < runs; r++) {
      plain[r] = plain(work.resolve("plain" + r), tar, size);
      ours[r] = ours(work.resolve("ours" + r), tar, size);
      System.out.printf("run %d: plain loop ext4 %.2f s, thin device %.2f s, ratio %.2f%n", r + 1, plain[r], ours[r],
          ours[r] / plain[r]);
    }
    double p = median(plain);
    double o = median(ours);
    System.out.printf("untar %s (%d MB): plain loop ext4 median %.2f s, thin device (pool+FUSE+loop) median %.2f s,"
        + " ratio %.2f (target <= 2.00)%n", tar.getFileName(), Files.size(tar) / 1_000_000, p, o, o / p);
  }

  static double plain(Path dir, Path tar, long size) throws Exception {
    Files.createDirectories(dir);
    Path img = dir.resolve("ext4.img");
    sh("truncate -s " + size + " " + img);
    String loop = sh("losetup -f --show " + img).trim();
    try {
      return untarOnto(loop, dir.resolve("mnt"), tar);
    } finally {
      sh("losetup -d " + loop);
      Files.delete(img);
    }
  }

  static double ours(Path dir, Path tar, long size) throws Exception {
    try (ThinPool pool = ThinPool.create(dir.resolve("devicemapper"), PoolConfig.defaults());
        DeviceActivator act = DeviceActivator.open(pool, dir.resolve("fuse"))) {
      pool.createThin(1);
      String loop = act.activate(1, size).toString();
      double t = untarOnto(loop, dir.resolve("mnt"), tar);
      act.deactivate(1);
      return t;
    } finally {
      sh("rm -rf " + dir.resolve("devicemapper"));
    }
  }

  static double untarOnto(String loop, Path mnt, Path tar) throws Exception {
    sh("mkfs.ext4 -q -F -E nodiscard,lazy_itable_init=0,lazy_journal_init=0 " + loop);
    Files.createDirectories(mnt);
    sh("mount -t ext4 " + loop + " " + mnt);
    try {
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long[] st0 = stat(loop);
      long t0 = System.nanoTime();
      sh("tar -xf " + tar + " -C " + mnt);
      long t1 = System.nanoTime();
      sh("sync -f " + mnt);
      long t2 = System.nanoTime();
      long[] st1 = stat(loop);
      System.out.printf("  %s: the untar sent %d writes (%d MB) and %d flushes to the device%n", loop,
          st1[4] - st0[4], (st1[6] - st0[6]) * 512 / 1_000_000, st1[15] - st0[15]);
      System.out.printf("  %s: tar %.2f s + sync %.2f s; this JVM's CPU %.2f s (the FUSE server, for the thin"
          + " device)%n", loop, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9);
      return (t2 - t0) / 1e9;
    } finally {
      sh("umount " + mnt);
    }
  }

  /** /sys/block/loopN/stat: the kernel's I/O counters of the device (cumulative over its life). */
  static long[] stat(String loop) throws IOException {
    String[] f = Files.readString(Path.of("/sys/block", Path.of(loop).getFileName().toString(), "stat")).trim()
        .split("\\s+");
    long[] out = new long[17];
    for (int i = 0; i < Math.min(f.length, out.length); i++) {
      out[i] = Long.parseLong(f[i]);
    }
    return out;
  }

  static String sh(String cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(cmd + " failed: " + out);
    }
    return out;
  }

  static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
