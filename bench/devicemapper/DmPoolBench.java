import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * Pool benchmarks, peers from the same run:
 *  snap   - createSnap of a 10 GiB device with 1 GiB written (16384 blocks of 64 KiB spread over it),
 *           alone and with its commit; target under 10 ms.
 *  seq    - sequential write (+ commit / fsync) and read of SIZE MiB through the pool vs the same I/O on
 *           a plain file in the same directory, 1 MiB buffers; target pool/raw >= 50%.
 * Usage: java -cp CP DmPoolBench.java WORKDIR [SIZE_MIB=1024] [RUNS=3]
 */
public class DmPoolBench {
  static final int MIB = 1 << 20;

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int sizeMib = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    snap(work.resolve("snap"));
    seq(work.resolve("seq"), sizeMib, runs);
  }

  static void snap(Path dir) throws IOException {
    try (ThinPool p = ThinPool.create(dir, PoolConfig.defaults())) {
      p.createThin(1);
      ByteBuffer block = ByteBuffer.allocate(64 << 10);
      new Random(1).nextBytes(block.array());
      long devBlocks = (10L << 30) / (64 << 10); // 163840
      for (long v = 0; v < devBlocks; v += 10) { // 16384 blocks = 1 GiB over the 10 GiB device
        p.write(1, v * (64 << 10), block.clear());
      }
      p.commit();
      System.out.printf("snap: origin maps %d blocks (%d MiB) of a 10 GiB device%n", p.deviceInfo(1).mappedBlocks(),
          p.deviceInfo(1).mappedBlocks() / 16);
      int n = 30;
      double[] snapMs = new double[n];
      double[] withCommitMs = new double[n];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        p.createSnap(100 + i, 1);
        long t1 = System.nanoTime();
        p.commit();
        long t2 = System.nanoTime();
        snapMs[i] = (t1 - t0) / 1e6;
        withCommitMs[i] = (t2 - t0) / 1e6;
      }
      System.out.printf("snap: createSnap median %.3f ms (max %.3f); createSnap+commit median %.3f ms (max %.3f);"
          + " target < 10 ms%n", median(snapMs), max(snapMs), median(withCommitMs), max(withCommitMs));
    }
  }

  static void seq(Path dir, int sizeMib, int runs) throws IOException {
    Files.createDirectories(dir);
    ByteBuffer buf = ByteBuffer.allocate(MIB);
    new Random(2).nextBytes(buf.array());
    long bytes = (long) sizeMib * MIB;
    double[] pw = new double[runs], rw = new double[runs], pr = new double[runs], rr = new double[runs];
    for (int r = 0; r < runs; r++) {
      Path pd = dir.resolve("pool" + r);
      Path raw = dir.resolve("raw" + r);
      try (ThinPool p = ThinPool.create(pd, new PoolConfig(bytes * 2, 64 << 20, 64 << 10));
          FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
              StandardOpenOption.WRITE)) {
        p.createThin(1);
        ch.write(ByteBuffer.allocate(1), bytes - 1); // the peer is sparse and full-size too, like the data file
        // alternate which goes first, so page-cache writeback of one side does not always tax the other
        for (int side = 0; side < 2; side++) {
          long t0 = System.nanoTime();
          if ((side + r) % 2 == 0) {
            for (long off = 0; off < bytes; off += MIB) {
              p.write(1, off, buf.clear());
            }
            p.commit();
            pw[r] = sizeMib / ((System.nanoTime() - t0) / 1e9);
          } else {
            for (long off = 0; off < bytes; off += MIB) {
              buf.clear();
              while (buf.hasRemaining()) {
                ch.write(buf, off + buf.position());
              }
            }
            ch.force(false);
            rw[r] = sizeMib / ((System.nanoTime() - t0) / 1e9);
          }
        }
        // reads: 3 passes each, interleaved, page cache warm for both; the median pass counts
        double[] pp = new double[3];
        double[] rp = new double[3];
        for (int k = 0; k < 3; k++) {
          long t0 = System.nanoTime();
          for (long off = 0; off < bytes; off += MIB) {
            p.read(1, off, buf.clear());
          }
          long t1 = System.nanoTime();
          for (long off = 0; off < bytes; off += MIB) {
            buf.clear();
            while (buf.hasRemaining() && ch.read(buf, off + buf.position()) > 0) {
              // until the buffer is full
            }
          }
          long t2 = System.nanoTime();
          pp[k] = sizeMib / ((t1 - t0) / 1e9);
          rp[k] = sizeMib / ((t2 - t1) / 1e9);
        }
        pr[r] = median(pp);
        rr[r] = median(rp);
      }
      deleteTree(pd);
      Files.delete(raw);
    }
    System.out.printf("seq write %d MiB (+ commit / fdatasync): pool %.0f MB/s, raw file %.0f MB/s, ratio %.0f%%"
        + " (target >= 50%%)%n", sizeMib, median(pw), median(rw), 100 * median(pw) / median(rw));
    System.out.printf("seq read  %d MiB (page cache warm for both): pool %.0f MB/s, raw file %.0f MB/s, ratio %.0f%%"
        + " (target >= 50%%)%n", sizeMib, median(pr), median(rr), 100 * median(pr) / median(rr));
  }

  static void deleteTree(Path d) throws IOException {
    try (var s = Files.list(d)) {
      for (Path f : s.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(d);
  }

  static double median(double[] a) {
    double[] c = a.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  static double max(double[] a) {
    return Arrays.stream(a).max().orElse(0);
  }
}
