package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * A seeded generator of random trees and random mutations of them, for the round-trip properties. Every
 * mtime it leaves is a whole second (a layer tar carries whole seconds), and a mutated non-directory
 * always gets an mtime other than the one it had, so that moby's change detection sees it (moby sleeps
 * for the same reason). xattrs are {@code security.capability} only unless {@code userXattrs}.
 */
final class RoundTripTrees {
  private final Random rnd;
  private final Posix px = Posix.get();
  private final boolean userXattrs;
  private int counter;

  RoundTripTrees(long seed, boolean userXattrs) {
    this.rnd = new Random(seed);
    this.userXattrs = userXattrs;
  }

  private static final String[] NAMES = {
    "a", "b", "etc", "usr", "lib", "x y", "ünï", "日本", "file.txt", ".hidden", "UPPER", "a-b", "a.b"
  };

  String name() {
    String base = NAMES[rnd.nextInt(NAMES.length)];
    return switch (rnd.nextInt(12)) {
      case 0 -> "long-" + "n".repeat(90 + rnd.nextInt(80)) + (counter++);
      default -> base + (counter++);
    };
  }

  /** Fills {@code dir} with a random tree of about {@code budget} entries. */
  void populate(Path dir, int budget, int depth) throws IOException {
    List<Path> files = new ArrayList<>();
    populate(dir, budget, depth, files);
  }

  private void populate(Path dir, int budget, int depth, List<Path> files) throws IOException {
    int n = 1 + rnd.nextInt(Math.max(1, budget));
    for (int i = 0; i < n && budget > 0; i++, budget--) {
      Path p = dir.resolve(name());
      int kind = rnd.nextInt(20);
      if (kind < 4 && depth > 0) {
        Files.createDirectory(p);
        populate(p, budget / 3, depth - 1, files);
        meta(p, true);
      } else if (kind < 13) {
        file(p);
        files.add(p);
      } else if (kind < 15) {
        px.symlink(rnd.nextBoolean() ? "../" + name() : "/abs/" + name() + "/", p);
        px.lchown(p, rnd.nextInt(3), rnd.nextInt(3));
        px.setTimes(p, 0, 0, time(), 0);
      } else if (kind < 17 && !files.isEmpty()) {
        Path target = files.get(rnd.nextInt(files.size()));
        if (Files.exists(target)) {
          Files.createLink(p, target);
        }
      } else if (kind < 18) {
        px.mknod(p, FileStat.S_IFIFO | 0644, 0);
        meta(p, false);
      } else if (kind < 19) {
        px.mknod(p, FileStat.S_IFCHR | 0600, FileStat.makedev(rnd.nextInt(300), rnd.nextInt(300)));
        meta(p, false);
      } else {
        file(p);
      }
    }
    meta(dir, true);
  }

  private void file(Path p) throws IOException {
    byte[] data = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(300_000) : rnd.nextInt(600)];
    rnd.nextBytes(data);
    Files.write(p, data);
    meta(p, false);
    if (rnd.nextInt(6) == 0) {
      px.setXattr(p, "security.capability", capability());
    }
    if (userXattrs && rnd.nextInt(5) == 0) {
      byte[] v = new byte[rnd.nextInt(40)];
      rnd.nextBytes(v);
      px.setXattr(p, "user.k" + rnd.nextInt(3), v);
    }
  }

  private byte[] capability() {
    byte[] cap = new byte[20];
    cap[0] = 1;
    cap[3] = 2;
    cap[5] = (byte) (1 << rnd.nextInt(8));
    return cap;
  }

  private void meta(Path p, boolean dir) throws IOException {
    int[] modes = dir ? new int[] {0755, 0700, 01777, 02755, 0555} : new int[] {0644, 0600, 0755, 04755, 0444};
    long[] ids = {0, 1, 1000, 65534, 3_000_000};
    px.lchown(p, (int) ids[rnd.nextInt(ids.length)], (int) ids[rnd.nextInt(ids.length)]);
    px.chmod(p, modes[rnd.nextInt(modes.length)]);
    px.setTimes(p, 0, 0, time(), 0);
  }

  private long time() {
    return 1_500_000_000L + rnd.nextInt(100_000_000);
  }

  /** Applies random mutations below {@code root}; returns how many. */
  int mutate(Path root, int count) throws IOException {
    int done = 0;
    for (int i = 0; i < count; i++) {
      List<Path> all = new ArrayList<>();
      list(root, all);
      if (all.isEmpty()) {
        populate(root, 5, 1);
        continue;
      }
      Path p = all.get(rnd.nextInt(all.size()));
      FileStat st = px.lstatIfExists(p).orElse(null);
      if (st == null) {
        continue;
      }
      switch (rnd.nextInt(9)) {
        case 0 -> FileTrees.removeTree(p); // delete (file or whole dir)
        case 1 -> { // add something new next to it
          Path parent = st.isDirectory() ? p : p.getParent();
          populate(parent, 4, 1);
        }
        case 2 -> { // rewrite content
          if (st.isRegularFile()) {
            byte[] data = new byte[rnd.nextInt(2000)];
            rnd.nextBytes(data);
            Files.write(p, data);
            bump(p, st);
          }
        }
        case 3 -> { // mode
          if (!st.isSymbolicLink()) {
            px.chmod(p, st.permissions() ^ 0100);
            bump(p, st);
          }
        }
        case 4 -> { // owner
          px.lchown(p, st.uid() + 1, st.gid());
          bump(p, st);
        }
        case 5 -> { // file replaced by a directory, or a directory by a file
          FileTrees.removeTree(p);
          if (st.isDirectory()) {
            file(p);
          } else {
            Files.createDirectory(p);
            populate(p, 3, 0);
          }
        }
        case 6 -> { // capability added or changed
          if (st.isRegularFile()) {
            px.setXattr(p, "security.capability", capability());
            bump(p, st);
          }
        }
        case 7 -> { // a new hardlink pair among new files
          Path parent = st.isDirectory() ? p : p.getParent();
          Path a = parent.resolve(name());
          file(a);
          Files.createLink(parent.resolve(name()), a);
        }
        default -> { // mtime only
          if (!st.isDirectory()) {
            bump(p, st);
          }
        }
      }
      done++;
    }
    return done;
  }

  /** A new whole-second mtime, different from the old one. */
  private void bump(Path p, FileStat old) throws IOException {
    if (!old.isDirectory()) {
      px.setTimes(p, 0, 0, old.mtimeSec() + 1 + rnd.nextInt(1000), 0);
    }
  }

  private static void list(Path dir, List<Path> out) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        out.add(p);
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          list(p, out);
        }
      }
    }
    out.sort(null);
  }
}
