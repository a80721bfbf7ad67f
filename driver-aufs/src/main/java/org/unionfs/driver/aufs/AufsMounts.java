package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.UnionFileSystem;
import org.unionfs.fuse.FuseMount;
import org.unionfs.fuse.FuseMountException;
import org.unionfs.fuse.MountOptions;
import org.unionfs.fuse.binding.JnrFuseBinding;
import org.unionfs.fuse.UnionMount;

/**
 * The FUSE mounts of one driver: at most one per layer, at {@code mnt/<id>}. Reference counting is the
 * driver's; this class only mounts, unmounts, and clears mounts a crashed process left behind.
 * Callers serialise calls per layer id.
 */
final class AufsMounts implements LayerViews {
  private static final Logger LOG = LoggerFactory.getLogger(AufsMounts.class);
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /** How long put waits for the union of an unmounted layer to be closed. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  /** A live mount and its union. */
  private record Live(FuseMount mount, ClosingUnion union) {}

  private final Map<String, Live> live = new HashMap<>();
  private final MountOptions options;

  AufsMounts() throws IOException {
    // The union's defaults (aufs whiteouts in the read-write branch, directories copied up on rename,
    // allow_other as root so that every user of a container reaches its files), except attr_timeout=0:
    // high-level FUSE gives each name of a hard link its own kernel inode, so a write through one name
    // would leave the other's cached size and mtime stale for the timeout (the conformance suite's
    // random layers see it).
    this.options = MountOptions.parse(List.of("attr_timeout=0"), UnionConfig.processIsRoot());
  }

  /**
   * Mounts {@code branches} at {@code mnt}; the mount lives until {@link #unmount} or process exit.
   * Not under this object's lock: mounts of different layers proceed in parallel (the driver
   * serialises calls per layer).
   */
  @Override
  public void mount(String id, UnionConfig branches, Path mnt) throws IOException {
    if (isMounted(id)) {
      throw new IllegalStateException("aufs: layer " + id + " is mounted already");
    }
    UnionConfig config = branches.withWhiteoutFormat(options.whiteoutFormat())
        .withDirectoryRename(options.directoryRename());
    ClosingUnion union = new ClosingUnion(UnionFileSystem.open(config));
    try {
      // serve closes the union when the loop ends, and at once if the mount fails
      Live m = new Live(UnionMount.serve(new JnrFuseBinding(), union, config.root(), mnt, options), union);
      synchronized (this) {
        live.put(id, m);
      }
    } catch (FuseMountException e) {
      throw new IOException("aufs: cannot mount layer " + id + " at " + mnt + ": " + e.getMessage(), e);
    }
  }

  /** The mount point: a FUSE view is seen where it is mounted. */
  @Override
  public Path path(String id, Path mnt) {
    return mnt;
  }

  /** Unmounts the layer's mount, if it has one. */
  @Override
  public void unmount(String id) throws IOException {
    Live m;
    synchronized (this) {
      m = live.remove(id);
    }
    if (m != null) {
      close(m);
    }
  }

  private static void close(Live m) throws IOException {
    m.mount().close();
    try {
      if (!m.union().awaitClosed(CLOSE_WAIT)) {
        throw new IOException("aufs: the union of " + m.mount().mountPoint() + " is still open "
            + CLOSE_WAIT.toSeconds() + " s after the unmount");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("aufs: interrupted while unmounting " + m.mount().mountPoint(), e);
    }
  }

  @Override
  public synchronized boolean isMounted(String id) {
    return live.containsKey(id);
  }

  /** Unmounts everything this driver mounted; reports the first failure after trying all. */
  @Override
  public void unmountAll() throws IOException {
    List<Live> all;
    synchronized (this) {
      all = new ArrayList<>(live.values());
      live.clear();
    }
    IOException first = null;
    for (Live m : all) {
      try {
        close(m);
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Detaches mounts at or below {@code mntDir}: {@code fusermount -u -z}, else a lazy {@code umount2}.
   *
   * @param onlyDead detach only the mounts whose serving process is gone ("Transport endpoint is not
   *     connected"), leaving the live mounts of other processes on the same home alone; false detaches
   *     every mount (the home is this process's alone)
   * @return the mount points cleared
   */
  static List<Path> clearStale(Path mntDir, boolean onlyDead) throws IOException {
    List<Path> cleared = new ArrayList<>();
    List<Path> points = new ArrayList<>();
    for (Path p : mountPointsUnder(mntDir)) {
      if (!onlyDead || isDead(p)) {
        points.add(p);
      }
    }
    // deepest first, so that a mount on top of another goes before the one below
    points.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
    for (Path p : points) {
      if (!fusermountLazy(p)) {
        try {
          Posix.get().umount2(p, Posix.MNT_DETACH);
        } catch (PosixException e) {
          if (e.errno() != 22 /* EINVAL: gone meanwhile */) {
            throw new IOException("aufs: cannot clear the stale mount " + p + ": " + e.getMessage(), e);
          }
        }
      }
      LOG.info("aufs: cleared stale mount {}", p);
      cleared.add(p);
    }
    return cleared;
  }

  /** Whether the FUSE mount at {@code p} has lost its server (stat fails with ENOTCONN). */
  static boolean isDead(Path p) {
    try {
      Posix.get().lstat(p);
      return false;
    } catch (PosixException e) {
      return e.errno() == 107; // ENOTCONN
    } catch (IOException e) {
      return false;
    }
  }

  /** Mount points at or below {@code dir}, from this process's mount table. */
  static List<Path> mountPointsUnder(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String line : Files.readAllLines(MOUNTINFO, StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length > 4) {
        Path p = Path.of(unescape(f[4]));
        if (p.startsWith(dir) && !p.equals(dir)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
  static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean fusermountLazy(Path mnt) {
    ProcessBuilder pb = new ProcessBuilder("fusermount", "-u", "-z", mnt.toString());
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false; // no fusermount: umount2 below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
