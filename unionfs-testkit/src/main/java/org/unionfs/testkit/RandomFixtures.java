package org.unionfs.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.unionfs.api.posix.FileStat;
import org.unionfs.testkit.TreeManifest.Entry;

/**
 * A seeded generator of random layer contents in the manner of containerd's snapshotter suite:
 * create, overwrite, append, delete, rmdir, rename of files and directories, chmod (setuid, setgid,
 * sticky included), chown, utimes, symlinks, hardlinks, {@code user.*} and {@code security.capability}
 * xattrs, fifos and device nodes, and directories replaced wholesale.
 *
 * <p>Each operation is chosen from the oracle's current state and applied to it at once (through a
 * {@link Fixture.Recorder}), so every operation is valid; the returned fixture replays them on a
 * layer. The same seed and starting tree give the same operations.
 */
public final class RandomFixtures {
  private static final String[] NAMES = {"a", "b", "c", "dir", "file.txt", "sp ace", "ünï", "x-1"};
  private static final int[] DIR_MODES = {0755, 0700, 0711, 0775, 01777, 02755, 0750};
  private static final int[] ROOT_DIR_MODES = {0555, 0500, 0300};
  private static final int[] FILE_MODES = {0644, 0600, 0755, 04755, 02755, 0640, 01644};
  private static final int[] ROOT_FILE_MODES = {0444, 0222, 0000, 04222, 06111};
  private static final int[] IDS = {0, 1, 2, 1000, 65534};
  private static final int MAX_DEPTH = 4;

  private final SplittableRandom random;
  private final boolean privileged;
  private long seeds;

  /**
   * @param privileged whether chown, {@code security.capability}, device nodes and modes that lock
   *     out the owner may be used (needs root)
   */
  public RandomFixtures(long seed, boolean privileged) {
    this.random = new SplittableRandom(seed);
    this.privileged = privileged;
    this.seeds = seed * 1_000_003L;
  }

  /**
   * Generates {@code count} operations, applying each to {@code oracle}; returns their fixture.
   *
   * @param unrenamableDirs directories never to rename, nor any directory holding one (those of lower
   *     layers, for a driver without {@code RENAME_DIRECTORY_FROM_LOWER})
   */
  public Fixture generate(Path oracle, int count, Fixture.Clock clock, Set<String> unrenamableDirs)
      throws IOException {
    return generate(oracle, count, clock, unrenamableDirs, false);
  }

  /**
   * As {@link #generate(Path, int, Fixture.Clock, Set)}, for a driver on which a change to one name of
   * a file hard-linked in a lower layer copies up that name alone (kernel overlayfs with
   * {@code index=off}, as Docker mounts it): with {@code lowerHardlinksSplit}, no operation changes,
   * renames, removes or links to a file that is hard-linked when the layer starts.
   */
  public Fixture generate(Path oracle, int count, Fixture.Clock clock, Set<String> unrenamableDirs,
      boolean lowerHardlinksSplit) throws IOException {
    Set<String> frozen = new java.util.HashSet<>();
    Set<String> unrenamable = new java.util.HashSet<>(unrenamableDirs);
    if (lowerHardlinksSplit) {
      TreeManifest.of(oracle).hardlinkGroups().forEach(frozen::addAll);
      // Renaming a directory that holds such a file copies the file up too (aufs-style copy-up of a
      // lower directory), which splits its hardlink group just the same.
      for (String path : frozen) {
        for (String dir = parentOf(path); !dir.equals("/"); dir = parentOf(dir)) {
          unrenamable.add(dir);
        }
      }
    }
    Fixture.Recorder recorder = new Fixture.Recorder(oracle, clock);
    for (int i = 0; i < count; i++) {
      for (FsOp op : next(TreeManifest.of(oracle), clock, unrenamable, frozen)) {
        recorder.run(op);
      }
    }
    return recorder.fixture();
  }

  private List<FsOp> next(TreeManifest tree, Fixture.Clock clock, Set<String> unrenamableDirs,
      Set<String> frozen) {
    List<Entry> dirs = new ArrayList<>();
    List<Entry> files = new ArrayList<>();
    List<Entry> others = new ArrayList<>();
    List<Entry> changeable = new ArrayList<>(); // every entry but the root and the frozen
    for (Entry e : tree.entries().values()) {
      if (!e.path().equals("/") && !frozen.contains(e.path())) {
        changeable.add(e);
      }
      if (e.isDirectory()) {
        dirs.add(e);
      } else if (frozen.contains(e.path())) {
        continue;
      } else if (e.isRegularFile()) {
        files.add(e);
      } else {
        others.add(e);
      }
    }
    List<Entry> nonRootDirs = dirs.subList(1, dirs.size());
    int roll = random.nextInt(100);
    if (roll < 14 || tree.entries().size() < 3) {
      return List.of(new FsOp.WriteFile(newPath(tree, dirs), content(), fileMode()));
    } else if (roll < 22) {
      return List.of(new FsOp.CreateDir(newPath(tree, dirs), dirMode()));
    } else if (roll < 30 && !files.isEmpty()) {
      return List.of(new FsOp.WriteFile(pick(files).path(), content(), fileMode()));
    } else if (roll < 36 && !files.isEmpty()) {
      return List.of(new FsOp.Append(pick(files).path(), content()));
    } else if (roll < 42 && files.size() + others.size() > 0) {
      List<Entry> all = new ArrayList<>(files);
      all.addAll(others);
      return List.of(new FsOp.RemoveAll(pick(all).path()));
    } else if (roll < 46 && !nonRootDirs.isEmpty()) {
      return List.of(new FsOp.RemoveAll(pick(nonRootDirs).path()));
    } else if (roll < 52 && !files.isEmpty()) {
      Entry from = pick(files);
      Entry over = pick(files);
      boolean replace = random.nextInt(3) == 0 && !over.path().equals(from.path())
          && !over.inode().equals(from.inode());
      return List.of(new FsOp.Rename(from.path(), replace ? over.path() : newPath(tree, dirs)));
    } else if (roll < 56) {
      List<Entry> movable = nonRootDirs.stream().filter(d -> renamable(tree, d.path(), unrenamableDirs)).toList();
      if (!movable.isEmpty()) {
        Entry from = pick(movable);
        List<Entry> targets = dirs.stream().filter(d -> !d.path().equals(from.path())
            && !d.path().startsWith(from.path() + "/")).toList();
        String to = newPath(tree, targets);
        return List.of(new FsOp.Rename(from.path(), to));
      }
    } else if (roll < 61 && dirs.size() + files.size() > 1) {
      if (random.nextBoolean() && !files.isEmpty()) {
        return List.of(new FsOp.Chmod(pick(files).path(), fileMode()));
      }
      if (!nonRootDirs.isEmpty()) {
        return List.of(new FsOp.Chmod(pick(nonRootDirs).path(), dirMode()));
      }
    } else if (roll < 65 && privileged && !changeable.isEmpty()) {
      Entry e = pick(changeable);
      return List.of(new FsOp.Chown(e.path(), IDS[random.nextInt(IDS.length)],
          IDS[random.nextInt(IDS.length)]));
    } else if (roll < 69 && !changeable.isEmpty()) {
      Entry e = pick(changeable);
      long sec = clock.startSec() + random.nextInt(50_000);
      long nsec = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(999_999_999);
      return List.of(new FsOp.SetTimes(e.path(), sec, nsec));
    } else if (roll < 74) {
      return List.of(new FsOp.Symlink(newPath(tree, dirs), symlinkTarget(tree)));
    } else if (roll < 79 && !files.isEmpty()) {
      return List.of(new FsOp.Link(newPath(tree, dirs), pick(files).path()));
    } else if (roll < 84 && dirs.size() + files.size() > 1) {
      List<Entry> targets = new ArrayList<>(files);
      targets.addAll(nonRootDirs);
      if (!targets.isEmpty()) {
        Entry e = pick(targets);
        String name = "user.k" + random.nextInt(3);
        if (e.xattrs().containsKey(name) && random.nextInt(3) == 0) {
          return List.of(new FsOp.RemoveXattr(e.path(), name));
        }
        return List.of(new FsOp.SetXattr(e.path(), name, randomBytes(random.nextInt(40))));
      }
    } else if (roll < 87 && privileged && !files.isEmpty()) {
      return List.of(new FsOp.SetXattr(pick(files).path(), "security.capability", capability()));
    } else if (roll < 92 && !nonRootDirs.isEmpty()) {
      String d = pick(nonRootDirs).path();
      return List.of(new FsOp.RemoveAll(d), new FsOp.CreateDir(d, dirMode()),
          new FsOp.WriteFile(d + "/" + NAMES[random.nextInt(NAMES.length)], content(), fileMode()));
    } else if (roll < 95) {
      boolean device = privileged && random.nextBoolean();
      int mode = (device ? FileStat.S_IFCHR : FileStat.S_IFIFO) | 0644;
      return List.of(new FsOp.Mknod(newPath(tree, dirs), mode, device ? FileStat.makedev(1, 3) : 0));
    }
    return List.of(new FsOp.WriteFile(newPath(tree, dirs), content(), fileMode()));
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private boolean renamable(TreeManifest tree, String dir, Set<String> unrenamableDirs) {
    for (String lower : unrenamableDirs) {
      if (lower.equals(dir) || (lower.startsWith(dir + "/") && tree.get(lower) != null)) {
        return false;
      }
    }
    return true;
  }

  /** A path that does not exist yet, in one of {@code dirs} not nested too deep. */
  private String newPath(TreeManifest tree, List<Entry> dirs) {
    List<Entry> shallow = dirs.stream()
        .filter(d -> d.path().chars().filter(c -> c == '/').count() < MAX_DEPTH).toList();
    Entry dir = pick(shallow.isEmpty() ? dirs : shallow);
    String prefix = dir.path().equals("/") ? "/" : dir.path() + "/";
    String path = prefix + NAMES[random.nextInt(NAMES.length)];
    while (tree.get(path) != null) {
      path = prefix + "n" + random.nextInt(1000);
    }
    return path;
  }

  private String symlinkTarget(TreeManifest tree) {
    return switch (random.nextInt(4)) {
      case 0 -> "/etc/passwd";
      case 1 -> "nowhere-" + random.nextInt(100);
      case 2 -> "../" + NAMES[random.nextInt(NAMES.length)];
      default -> pick(new ArrayList<>(tree.entries().values())).path();
    };
  }

  private byte[] content() {
    int size = switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextInt(64);
      case 2 -> random.nextInt(4096);
      default -> random.nextInt(70_000);
    };
    return RandomContent.of(size, seeds++);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  /** A valid VFS_CAP_REVISION_2 value: magic with the effective flag, one permitted capability. */
  private byte[] capability() {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x02000001).putInt(1 << random.nextInt(31)).putInt(0).putInt(0).putInt(0);
    return b.array();
  }

  private int fileMode() {
    if (privileged && random.nextInt(5) == 0) {
      return ROOT_FILE_MODES[random.nextInt(ROOT_FILE_MODES.length)];
    }
    return FILE_MODES[random.nextInt(FILE_MODES.length)];
  }

  private int dirMode() {
    if (privileged && random.nextInt(6) == 0) {
      return ROOT_DIR_MODES[random.nextInt(ROOT_DIR_MODES.length)];
    }
    return DIR_MODES[random.nextInt(DIR_MODES.length)];
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
