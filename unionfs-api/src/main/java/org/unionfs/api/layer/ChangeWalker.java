package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.unionfs.api.Change;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * moby's {@code ChangesDirs(newDir, oldDir)} (pkg/archive/changes.go, changes_linux.go, changes_unix.go):
 * both trees walked together, one {@code lstat} per entry on each side and a {@code security.capability}
 * read only for pairs whose stat is equal.
 *
 * <ul>
 *   <li>A name only in the new tree is Added, with everything below it.
 *   <li>A name in both is Modified when mode (type bits included), uid, gid or rdev differ, or, unless
 *       the old entry's mode has the directory bit, when size or mtime differ (mtimes are equal when the
 *       seconds are and the nanoseconds are, or either is 0); or when {@code security.capability}
 *       differs. Pairs with the same device and inode are the same file and are not descended
 *       (moby's Linux walker prunes them the same way).
 *   <li>A name only in the old tree is Deleted; what was below it is not listed. Below a new
 *       non-directory, old children are not compared.
 *   <li>A directory that is neither Added nor Modified but has changes below it gets a Modify of its
 *       own (never the root).
 * </ul>
 * The result is sorted by {@link Change#BY_PATH}.
 */
final class ChangeWalker {
  private static final String CAPABILITY = "security.capability";
  private final Posix px = Posix.get();
  private final List<Change> out = new ArrayList<>();

  private ChangeWalker() {}

  static List<Change> changes(Path layer, Path parent) throws IOException {
    ChangeWalker w = new ChangeWalker();
    FileStat newRoot = w.px.lstat(layer);
    FileStat oldRoot = parent == null ? null : w.px.lstat(parent);
    w.walkDir(layer, newRoot, parent, oldRoot, "", true);
    w.out.sort(Change.BY_PATH);
    return w.out;
  }

  /**
   * Changes below the directory {@code newDir} against {@code oldDir} (null: nothing old).
   *
   * @param reported whether {@code rel} itself was already reported (Added or Modified) or is the root
   */
  private void walkDir(Path newDir, FileStat newSt, Path oldDir, FileStat oldSt, String rel,
      boolean reported) throws IOException {
    int sizeAtEntry = out.size();
    String[] newNames = list(newDir, rel.isEmpty());
    Map<String, Boolean> oldNames = new HashMap<>();
    boolean compareOld = oldDir != null && oldSt != null && oldSt.isDirectory();
    if (compareOld) {
      for (String n : list(oldDir, rel.isEmpty())) {
        oldNames.put(n, Boolean.TRUE);
      }
    }
    for (String name : newNames) {
      String childRel = rel + "/" + name;
      Path newChild = newDir.resolve(name);
      Optional<FileStat> nst = px.lstatIfExists(newChild);
      if (nst.isEmpty()) {
        continue; // removed while walking
      }
      FileStat ns = nst.get();
      Path oldChild = null;
      FileStat os = null;
      if (oldNames.remove(name) != null) {
        oldChild = oldDir.resolve(name);
        os = px.lstatIfExists(oldChild).orElse(null);
      }
      boolean childReported = false;
      if (os == null) {
        out.add(Change.add(childRel));
        childReported = true;
      } else {
        if (ns.dev() == os.dev() && ns.ino() == os.ino()) {
          continue; // the same file: unchanged, and so is everything below it
        }
        if (statDifferent(os, ns) || !Arrays.equals(capability(oldChild), capability(newChild))) {
          out.add(Change.modify(childRel));
          childReported = true;
        }
      }
      if (ns.isDirectory()) {
        walkDir(newChild, ns, oldChild, os, childRel, childReported);
      }
    }
    for (String gone : sortedKeys(oldNames)) {
      out.add(Change.delete(rel + "/" + gone));
    }
    if (out.size() > sizeAtEntry && !reported && !rel.isEmpty()) {
      out.add(sizeAtEntry, Change.modify(rel));
    }
  }

  /** moby's {@code statDifferent}, quirks included (the S_IFDIR bit test also matches S_IFBLK). */
  static boolean statDifferent(FileStat old, FileStat now) {
    if (old.mode() != now.mode() || old.uid() != now.uid() || old.gid() != now.gid()
        || old.rdev() != now.rdev()) {
      return true;
    }
    if ((old.mode() & FileStat.S_IFDIR) != FileStat.S_IFDIR) {
      return !sameFsTime(old.mtimeSec(), old.mtimeNsec(), now.mtimeSec(), now.mtimeNsec())
          || old.size() != now.size();
    }
    return false;
  }

  /** moby's {@code sameFsTimeSpec}: equal seconds, and equal nanoseconds unless either is 0. */
  static boolean sameFsTime(long s1, long n1, long s2, long n2) {
    return s1 == s2 && (n1 == n2 || n1 == 0 || n2 == 0);
  }

  private byte[] capability(Path p) throws IOException {
    return px.getXattr(p, CAPABILITY).orElse(null);
  }

  /** The names in {@code dir}; at the top of the new tree, without the apply journal. */
  private static String[] list(Path dir, boolean top) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!(top && n.equals(ApplyJournal.DIR_NAME))) {
          names.add(n);
        }
      }
    }
    return names.toArray(new String[0]);
  }

  private static List<String> sortedKeys(Map<String, Boolean> m) {
    List<String> keys = new ArrayList<>(m.keySet());
    keys.sort(null);
    return keys;
  }
}
