package org.unionfs.api.union;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.union.UnionConfig.WhiteoutFormat;

/**
 * Random sequences of operations applied to the union and to a plain directory holding what the union must
 * show, compared after every step ({@link TreeCompare}); errors must carry the same errno. Seeded: a failure
 * names its seed and step. The lower branches come from {@link LayerFixture} (both whiteout formats mixed).
 * Needs root (chown, device-free but trusted.* xattrs of overlay layers).
 */
class UnionOracleTest {
  @TempDir Path tmp;
  private final Posix posix = Posix.get();

  interface IoOp {
    void run() throws IOException;
  }

  @ParameterizedTest(name = "seed {0}, {1} lower branches, {2} writes")
  @CsvSource({
    "1, 3, AUFS, 200", "2, 3, OVERLAY, 200", "3, 1, AUFS, 200", "4, 6, OVERLAY, 200", "5, 128, AUFS, 60",
    "6, 128, OVERLAY, 40", "7, 2, AUFS, 300", "8, 2, OVERLAY, 300", "9, 4, AUFS, 250", "10, 4, OVERLAY, 250",
  })
  void randomOperationsMatchThePlainDirectory(long seed, int lowers, WhiteoutFormat format, int steps)
      throws IOException {
    assumeTrue(UnionConfig.processIsRoot(), "needs root: chown and trusted.overlay.* xattrs in the fixture");
    Random rnd = new Random(seed);
    Path oracle = Files.createDirectory(tmp.resolve("oracle"));
    LayerFixture fixture = new LayerFixture(rnd, oracle);
    List<Path> layers = new ArrayList<>();
    for (int i = 0; i < lowers; i++) {
      Path l = Files.createDirectory(tmp.resolve("layer" + i));
      fixture.addLayer(l, rnd.nextBoolean() ? WhiteoutFormat.AUFS : WhiteoutFormat.OVERLAY,
          lowers > 10 ? 3 : 25);
      layers.add(0, l); // top first
    }
    Path upper = Files.createDirectory(tmp.resolve("upper"));
    FileStat root = posix.lstat(oracle);
    posix.lchown(upper, root.uid(), root.gid());
    OracleLibc.chmod(upper, root.permissions());
    posix.setTimes(upper, root.atimeSec(), root.atimeNsec(), root.mtimeSec(), root.mtimeNsec());

    TreeCompare compare = new TreeCompare();
    try (UnionFileSystem fs = UnionFileSystem.open(UnionConfig.of(upper, layers).withWhiteoutFormat(format))) {
      compare.compare(fs, oracle, "seed " + seed + " fixture");
      Ops ops = new Ops(rnd, fs, oracle, fixture);
      int failed = 0;
      for (int step = 0; step < steps; step++) {
        String desc = ops.next();
        failed += desc.contains("(errno ") || desc.startsWith("skip") || desc.startsWith("no file") ? 1 : 0;
        compare.compare(fs, oracle, "seed " + seed + " step " + step + " " + desc);
      }
      // the sequence must mostly change things, or the comparison proves little
      assertThat(failed).as("operations that failed or were skipped").isLessThan(steps * 2 / 3);
    }
    // a new union over the same branches shows the same (nothing was kept only in memory)
    try (UnionFileSystem fs = UnionFileSystem.open(UnionConfig.of(upper, layers).withWhiteoutFormat(format))) {
      new TreeCompare().compare(fs, oracle, "seed " + seed + " remounted");
    }
  }

  /** One random operation at a time, on both sides. */
  static final class Ops {
    private final Random rnd;
    private final UnionFileSystem fs;
    private final Path oracle;
    private final LayerFixture fixture;
    private final Posix posix = Posix.get();
    private int counter;

    Ops(Random rnd, UnionFileSystem fs, Path oracle, LayerFixture fixture) {
      this.rnd = rnd;
      this.fs = fs;
      this.oracle = oracle;
      this.fixture = fixture;
    }

    private Path o(String p) {
      return p.equals("/") ? oracle : oracle.resolve(p.substring(1));
    }

    private String any(boolean withRoot) throws IOException {
      List<String> all = fixture.entries(false);
      if (withRoot) {
        all.add("/");
      }
      return all.isEmpty() ? "/absent" + (counter++) : all.get(rnd.nextInt(all.size()));
    }

    private String dir() throws IOException {
      List<String> dirs = fixture.entries(true);
      return dirs.get(rnd.nextInt(dirs.size()));
    }

    private String file() throws IOException {
      List<String> files = new ArrayList<>();
      for (String p : fixture.entries(false)) {
        if (Files.isRegularFile(o(p), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          files.add(p);
        }
      }
      return files.isEmpty() ? null : files.get(rnd.nextInt(files.size()));
    }

    /**
     * A new name in a random directory, (1 in 5) an existing path, or (1 in 4) a deleted one: there a whiteout
     * hides a lower entry, so creating it must replace the whiteout (and a directory must become opaque).
     */
    private String target() throws IOException {
      int r = rnd.nextInt(20);
      if (r < 4) {
        return any(false);
      }
      if (r < 9 && !fixture.deleted.isEmpty()) {
        String p = fixture.deleted.get(rnd.nextInt(fixture.deleted.size()));
        // only below real directories: a path through a symlink is resolved by the kernel, never by the union
        if (fixture.entries(true).contains(UnionPaths.parent(p))) {
          return p;
        }
      }
      return UnionPaths.child(dir(), "t" + (counter++));
    }

    private void gone(String p) throws IOException {
      if (!Files.exists(o(p), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        fixture.deleted.add(p);
      }
    }

    private byte[] data() {
      byte[] d = new byte[rnd.nextInt(3) == 0 ? rnd.nextInt(100) : rnd.nextInt(70000)];
      rnd.nextBytes(d);
      return d;
    }

    String next() throws IOException {
      int op = rnd.nextInt(21);
      switch (op) {
        case 0 -> {
          String p = target();
          byte[] d = data();
          int mode = 0600 | rnd.nextInt(0100);
          return both("create " + p, () -> {
            long h = fs.create(p, mode, UnionFileSystem.O_RDWR | UnionFileSystem.O_EXCL, Caller.PROCESS);
            fs.write(h, ByteBuffer.wrap(d), 0);
            fs.release(h);
          }, () -> {
            try (FileChannel ch = FileChannel.open(o(p), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
              ch.write(ByteBuffer.wrap(d), 0);
            }
            OracleLibc.chmod(o(p), mode);
          });
        }
        case 1, 2 -> {
          String p = file();
          if (p == null) {
            return "no file";
          }
          byte[] d = data();
          boolean append = op == 2;
          long at = append ? 0 : rnd.nextInt((int) Files.size(o(p)) + 2000);
          return both((append ? "append " : "write ") + d.length + " at " + at + " " + p, () -> {
            long h = fs.open(p, append ? UnionFileSystem.O_WRONLY | UnionFileSystem.O_APPEND : UnionFileSystem.O_RDWR);
            fs.write(h, ByteBuffer.wrap(d), at);
            fs.release(h);
          }, () -> {
            try (FileChannel ch = FileChannel.open(o(p), append ? StandardOpenOption.APPEND : StandardOpenOption.WRITE)) {
              if (append) {
                ch.write(ByteBuffer.wrap(d));
              } else {
                ch.write(ByteBuffer.wrap(d), at);
              }
            }
          });
        }
        case 3 -> {
          String p = any(false);
          if (Files.isSymbolicLink(o(p))) {
            return "skip truncate of symlink"; // truncate(2) follows it; FUSE resolves symlinks first
          }
          long size = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(100000);
          return both("truncate " + p + " " + size, () -> fs.truncate(p, size), () -> OracleLibc.truncate(o(p), size));
        }
        case 4 -> {
          String p = any(false);
          String d = both("unlink " + p, () -> fs.unlink(p), () -> OracleLibc.unlink(o(p)));
          gone(p);
          return d;
        }
        case 5 -> {
          String p = target();
          int mode = 0700 | rnd.nextInt(0100);
          return both("mkdir " + p, () -> fs.mkdir(p, mode, Caller.PROCESS), () -> OracleLibc.mkdir(o(p), mode));
        }
        case 6 -> {
          String p = any(false);
          String d = both("rmdir " + p, () -> fs.rmdir(p), () -> OracleLibc.rmdir(o(p)));
          gone(p);
          return d;
        }
        case 7, 8 -> {
          String from = any(false);
          String to = rnd.nextInt(3) == 0 ? any(false) : UnionPaths.child(dir(), "r" + (counter++));
          int flags = rnd.nextInt(4) == 0 ? UnionFileSystem.RENAME_NOREPLACE : 0;
          String d = both("rename " + from + " " + to + " " + flags, () -> fs.rename(from, to, flags),
              () -> OracleLibc.rename(o(from), o(to), flags));
          gone(from);
          return d;
        }
        case 9 -> {
          String p = any(true);
          if (Files.isSymbolicLink(o(p))) {
            return "skip chmod of symlink";
          }
          int mode = rnd.nextInt(010000) & ~02000;
          return both("chmod " + p + " " + Integer.toOctalString(mode), () -> fs.chmod(p, mode),
              () -> OracleLibc.chmod(o(p), mode));
        }
        case 10 -> {
          String p = any(true);
          int uid = new int[] {-1, 0, 1000, 1001}[rnd.nextInt(4)];
          int gid = new int[] {-1, 0, 1000, 1002}[rnd.nextInt(4)];
          return both("chown " + p + " " + uid + ":" + gid, () -> fs.chown(p, uid, gid),
              () -> posix.lchown(o(p), uid, gid));
        }
        case 11 -> {
          String p = any(true);
          long as = LayerFixture.OLD + rnd.nextInt(5000);
          long an = rnd.nextInt(3) == 0 ? UnionFileSystem.UTIME_OMIT : rnd.nextInt(1_000_000_000);
          long ms = LayerFixture.OLD + rnd.nextInt(5000);
          long mn = rnd.nextInt(1_000_000_000);
          return both("utimens " + p, () -> fs.utimens(p, as, an, ms, mn), () -> posix.setTimes(o(p), as, an, ms, mn));
        }
        case 12 -> {
          String p = any(true);
          String name = "user.k" + rnd.nextInt(3);
          byte[] v = ("v" + rnd.nextInt(1000)).getBytes();
          if (Files.isSymbolicLink(o(p))) {
            return "skip xattr of symlink";
          }
          return both("setxattr " + p + " " + name, () -> fs.setxattr(p, name, v, 0), () -> posix.setXattr(o(p), name, v));
        }
        case 13 -> {
          String p = any(true);
          String name = rnd.nextBoolean() ? "user.k" + rnd.nextInt(3) : "user.layer";
          if (Files.isSymbolicLink(o(p))) {
            return "skip xattr of symlink";
          }
          return both("removexattr " + p + " " + name, () -> fs.removexattr(p, name), () -> {
            if (posix.getXattr(o(p), name).isEmpty()) {
              throw new org.unionfs.api.posix.PosixException(p, null, "removexattr", 61, "No data");
            }
            posix.removeXattr(o(p), name);
          });
        }
        case 14 -> {
          String p = target();
          String t = "../to-" + rnd.nextInt(9);
          return both("symlink " + p, () -> fs.symlink(t, p, Caller.PROCESS), () -> OracleLibc.symlink(t, o(p)));
        }
        case 15 -> {
          String src = rnd.nextInt(4) == 0 ? any(false) : file();
          if (src == null) {
            return "no file";
          }
          String p = target();
          return both("link " + src + " " + p, () -> fs.link(src, p), () -> OracleLibc.link(o(src), o(p)));
        }
        case 17 -> {
          String p = file();
          if (p == null) {
            return "no file";
          }
          byte[] d = data();
          return both("open O_TRUNC and write " + p, () -> {
            long h = fs.open(p, UnionFileSystem.O_WRONLY | UnionFileSystem.O_TRUNC);
            fs.write(h, ByteBuffer.wrap(d), 0);
            fs.release(h);
          }, () -> {
            try (FileChannel ch = FileChannel.open(o(p), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
              ch.write(ByteBuffer.wrap(d), 0);
            }
          });
        }
        case 18 -> {
          String p = file();
          if (p == null) {
            return "no file";
          }
          byte[] expected = Files.readAllBytes(o(p));
          String d = both("unlink while open " + p, () -> {
            long h = fs.open(p, UnionFileSystem.O_RDONLY);
            fs.unlink(p);
            ByteBuffer b = ByteBuffer.allocate(expected.length + 1);
            fs.read(h, b, 0);
            fs.release(h);
            assertThat(java.util.Arrays.copyOf(b.array(), b.position())).as("read after unlink").isEqualTo(expected);
          }, () -> OracleLibc.unlink(o(p)));
          gone(p);
          return d;
        }
        case 19 -> {
          String p = file();
          if (p == null) {
            return "no file";
          }
          long size = rnd.nextInt(50000);
          return both("ftruncate through a handle " + p + " " + size, () -> {
            long h = fs.open(p, UnionFileSystem.O_RDWR);
            fs.ftruncate(h, size);
            assertThat(fs.fgetattr(h).size()).as("fgetattr after ftruncate").isEqualTo(size);
            assertThat(fs.fgetattr(h).ino()).as("fgetattr inode").isEqualTo(fs.getattr(p).ino());
            fs.release(h);
          }, () -> OracleLibc.truncate(o(p), size));
        }
        case 20 -> {
          String d = dir();
          List<String> seen = new ArrayList<>();
          long h = fs.opendir(d);
          long[] at = {0};
          int chunk = 1 + rnd.nextInt(5);
          while (true) {
            int[] n = {0};
            fs.readdir(h, at[0], (e, next) -> {
              if (n[0] == chunk) {
                return false;
              }
              n[0]++;
              seen.add(e.name());
              at[0] = next;
              return true;
            });
            if (n[0] < chunk) {
              break;
            }
          }
          fs.releasedir(h);
          List<String> expected = new ArrayList<>(List.of(".", ".."));
          for (Path c : LayerFixture.list(o(d))) {
            expected.add(c.getFileName().toString());
          }
          assertThat(seen).as("readdir of %s in chunks of %d", d, chunk).containsExactlyInAnyOrderElementsOf(expected);
          return "readdir " + d;
        }
        default -> {
          String p = target();
          return both("mkfifo " + p, () -> fs.mknod(p, FileStat.S_IFIFO | 0640, 0, Caller.PROCESS),
              () -> posix.mknod(o(p), FileStat.S_IFIFO | 0640, 0));
        }
      }
    }

    /** Runs the operation on the oracle, then on the union; both must fail with one errno or both succeed. */
    private static String both(String desc, IoOp union, IoOp plain) throws IOException {
      int expected = 0;
      try {
        plain.run();
      } catch (IOException e) {
        expected = OracleLibc.errno(e);
      }
      int actual = 0;
      try {
        union.run();
      } catch (IOException e) {
        actual = OracleLibc.errno(e);
        if (actual != expected) {
          throw new AssertionError(desc + ": union failed with errno " + actual + ", plain dir " + expected, e);
        }
      }
      assertThat(actual).as("%s: errno of the union (plain dir: %d)", desc, expected).isEqualTo(expected);
      return desc + (expected == 0 ? "" : " (errno " + expected + ")");
    }
  }
}
