package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.unionfs.api.Change;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.union.DirEntry;
import org.unionfs.api.union.UnionFileSystem;
import org.unionfs.api.union.UnionStat;

/**
 * The changes of an aufs layer read from its own branch ({@code diff/<id>}), as moby's
 * {@code archive.Changes} walks only the read-write branch, but with the result of the naive
 * {@code ChangesDirs(view, parentView)}: the same rules (mode, owner, rdev always; size and mtime for
 * non-directories; {@code security.capability}; a directory holding changes is reported modified; a
 * deleted subtree is one {@code D}).
 *
 * <p>Each entry of the branch is compared with the same path in the parent's view:
 * <ul>
 *   <li>{@code .wh.<x>} deletes {@code x} if the parent's view has it (and the branch does not have
 *       {@code x} again);
 *   <li>{@code .wh..wh..opq} makes its directory opaque: the parent's children it does not have itself
 *       are deleted. moby reports a nested one as {@code D <dir>/.wh..opq}, which is wrong and not
 *       reproduced; at the root of the branch it is the same marker, while every other
 *       {@code .wh..wh.*} name there is aufs bookkeeping and skipped;
 *   <li>an entry the parent lacks is added with its subtree; one it has is modified if its metadata
 *       differs, and a directory is descended into.
 * </ul>
 * What only the union can interpret (an overlay whiteout or opaque xattr, a nested {@code .wh..wh.}
 * name other than the opaque marker) raises {@link Unsupported}, and the caller computes the changes
 * naively: never a guess.
 */
final class AufsChanges {
  static final String WH = ".wh.";
  static final String WH_META = ".wh..wh.";
  static final String OPAQUE = ".wh..wh..opq";
  private static final String CAPABILITY = "security.capability";

  /** The branch holds something only the union can interpret. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  private final Posix posix = Posix.get();
  private final UnionFileSystem parent;
  private final List<Change> changes = new ArrayList<>();

  private AufsChanges(UnionFileSystem parent) {
    this.parent = parent;
  }

  /** The changes of the layer whose branch is {@code branch} against {@code parentView}, sorted. */
  static List<Change> compute(Path branch, UnionFileSystem parentView) throws IOException, Unsupported {
    AufsChanges c = new AufsChanges(parentView);
    List<String> names = sortedNames(branch);
    c.directory(branch, names, "", true, names.contains(OPAQUE));
    c.changes.sort(Change.BY_PATH);
    return List.copyOf(c.changes);
  }

  /**
   * Compares a directory of the branch with the parent's view at the same path.
   *
   * @param parentIsDir whether the parent's view has a directory at {@code rel}
   * @return whether any change was recorded below
   */
  private boolean directory(Path dir, List<String> names, String rel, boolean parentIsDir, boolean opaque)
      throws IOException, Unsupported {
    int before = changes.size();
    Set<String> present = new HashSet<>();
    for (String name : names) {
      if (!name.startsWith(WH)) {
        present.add(name);
      }
    }
    for (String name : names) {
      String path = rel + "/" + name;
      if (name.startsWith(WH_META)) {
        if (name.equals(OPAQUE) || rel.isEmpty()) {
          continue; // the opaque marker (handled below) or aufs bookkeeping at the branch root
        }
        throw new Unsupported(dir.resolve(name) + ": an aufs name only the union interprets");
      }
      if (name.startsWith(WH)) {
        String target = name.substring(WH.length());
        if (!opaque && parentIsDir && !present.contains(target) && parentStat(rel + "/" + target).isPresent()) {
          changes.add(Change.delete(rel + "/" + target));
        }
        continue;
      }
      Path entry = dir.resolve(name);
      FileStat st = posix.lstat(entry);
      requireInterpretable(entry, st);
      Optional<UnionStat> old = parentIsDir ? parentStat(path) : Optional.empty();
      if (old.isEmpty()) {
        addAll(entry, st, path);
        continue;
      }
      boolean modified = statDifferent(old.get(), st)
          || !Arrays.equals(parentCapability(path), posix.getXattr(entry, CAPABILITY).orElse(null));
      if (modified) {
        changes.add(Change.modify(path));
      }
      if (st.isDirectory()) {
        List<String> children = sortedNames(entry);
        boolean inner = directory(entry, children, path, old.get().isDirectory(), children.contains(OPAQUE));
        if (inner && !modified) {
          changes.add(Change.modify(path)); // moby reports a directory that holds changes
        }
      }
    }
    if (opaque && parentIsDir) {
      for (DirEntry e : parent.list(rel.isEmpty() ? "/" : rel)) {
        String name = e.name();
        if (!name.equals(".") && !name.equals("..") && !present.contains(name)) {
          changes.add(Change.delete(rel + "/" + name));
        }
      }
    }
    return changes.size() > before;
  }

  /** An entry the parent lacks: it and everything below it are added; whiteouts below hide nothing. */
  private void addAll(Path entry, FileStat st, String path) throws IOException, Unsupported {
    changes.add(Change.add(path));
    if (!st.isDirectory()) {
      return;
    }
    for (String name : sortedNames(entry)) {
      if (name.startsWith(WH)) {
        continue;
      }
      Path child = entry.resolve(name);
      FileStat cst = posix.lstat(child);
      requireInterpretable(child, cst);
      addAll(child, cst, path + "/" + name);
    }
  }

  private void requireInterpretable(Path entry, FileStat st) throws IOException, Unsupported {
    if (st.isOverlayWhiteout()) {
      throw new Unsupported(entry + " is an overlay whiteout (character device 0/0)");
    }
    if (st.isDirectory()) {
      for (String x : posix.listXattrs(entry)) {
        if (x.endsWith("overlay.opaque")) {
          throw new Unsupported(entry + " has " + x);
        }
      }
    }
  }

  private Optional<UnionStat> parentStat(String path) throws IOException {
    try {
      return Optional.of(parent.getattr(path));
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty();
    }
  }

  private byte[] parentCapability(String path) throws IOException {
    try {
      return parent.getxattr(path, CAPABILITY);
    } catch (PosixException e) {
      if (e.errno() == Posix.ENODATA) {
        return null;
      }
      throw e;
    }
  }

  /**
   * moby {@code statDifferent}: mode (with type), owner and rdev always; size and mtime only for
   * non-directories, mtimes being equal when the seconds match and the nanoseconds match or either is
   * 0 (one side came from a tar).
   */
  static boolean statDifferent(UnionStat a, FileStat b) {
    if (a.mode() != b.mode() || a.uid() != b.uid() || a.gid() != b.gid() || a.rdev() != b.rdev()) {
      return true;
    }
    if (b.isDirectory()) {
      return false;
    }
    boolean sameTime = a.mtimeSec() == b.mtimeSec()
        && (a.mtimeNsec() == b.mtimeNsec() || a.mtimeNsec() == 0 || b.mtimeNsec() == 0);
    return !sameTime || a.size() != b.size();
  }

  static List<String> sortedNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        names.add(p.getFileName().toString());
      }
    }
    names.sort(null);
    return names;
  }
}
