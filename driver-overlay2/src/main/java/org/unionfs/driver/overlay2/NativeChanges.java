package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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

/**
 * The changes of an overlay layer computed from its own diff directory, instead of walking the whole
 * view of the layer and of its parent. The result equals moby's {@code ChangesDirs(view, parentView)}
 * (same rules: a directory's mtime and size are ignored, a file is modified when mode, owner, rdev,
 * size, mtime or {@code security.capability} differ, a directory holding changes is itself reported
 * modified, a deleted subtree is one {@code D}).
 *
 * <p>Why reading the diff directory is enough: an entry that is not in the diff directory is seen
 * through from the parent's view unchanged. Each entry that is there is compared with the same path in
 * the parent's view:
 * <ul>
 *   <li>a whiteout (character device 0/0) deletes what the parent had there, if anything;
 *   <li>an entry the parent lacks is added, with its whole subtree;
 *   <li>an entry the parent has is modified if its metadata differs; a directory is descended into;
 *   <li>an opaque directory ({@code overlay.opaque=y}) hides all of the parent's children: those it does
 *       not have itself are deleted, the rest compared. moby's removed {@code OverlayChanges} reported the
 *       opaque directory itself as deleted, which is why moby gave up on native changes; this does not.
 * </ul>
 * Anything this reading cannot interpret exactly (a redirect, a metacopy file, an xattr whiteout, an
 * opaque value other than "y") raises {@link Unsupported}, and the caller falls back to the naive
 * comparison; the result is never a guess.
 */
final class NativeChanges {
  private static final String CAPABILITY = "security.capability";

  /** The diff directory holds something only a real overlay mount can interpret. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  private final Posix posix;
  private final String xattrPrefix;
  private final List<Change> changes = new ArrayList<>();

  private NativeChanges(Posix posix, String xattrPrefix) {
    this.posix = posix;
    this.xattrPrefix = xattrPrefix;
  }

  /**
   * The changes of the layer whose diff directory is {@code upper} against {@code parentView}, the
   * assembled view of its direct parent; sorted by {@link Change#BY_PATH}.
   *
   * @param xattrPrefix {@code trusted.overlay.} or {@code user.overlay.}
   */
  static List<Change> compute(Posix posix, Path upper, Path parentView, String xattrPrefix)
      throws IOException, Unsupported {
    NativeChanges c = new NativeChanges(posix, xattrPrefix);
    c.directory(upper, parentView, "", c.isOpaque(upper));
    c.changes.sort(Change.BY_PATH);
    return List.copyOf(c.changes);
  }

  /**
   * Compares the children of an upper directory that exists in the layer's view with the parent's
   * directory at the same path ({@code parentDir} null when the parent has no directory there).
   *
   * @return whether any change was recorded below
   */
  private boolean directory(Path upperDir, Path parentDir, String rel, boolean opaque)
      throws IOException, Unsupported {
    int before = changes.size();
    Set<String> present = new HashSet<>();
    for (String name : sortedNames(upperDir)) {
      Path entry = upperDir.resolve(name);
      String path = rel + "/" + name;
      FileStat st = posix.lstat(entry);
      if (st.isOverlayWhiteout()) {
        if (!opaque && parentDir != null && posix.lstatIfExists(parentDir.resolve(name)).isPresent()) {
          changes.add(Change.delete(path));
        }
        continue;
      }
      requireInterpretable(entry, st);
      present.add(name);
      Optional<FileStat> old = parentDir == null ? Optional.empty()
          : posix.lstatIfExists(parentDir.resolve(name));
      if (old.isEmpty()) {
        addAll(entry, st, path);
        continue;
      }
      boolean modified = statDifferent(old.get(), st)
          || !Arrays.equals(capability(parentDir.resolve(name)), capability(entry));
      if (modified) {
        changes.add(Change.modify(path));
      }
      if (st.isDirectory()) {
        boolean childOpaque = isOpaque(entry);
        Path oldDir = old.get().isDirectory() ? parentDir.resolve(name) : null;
        boolean inner = directory(entry, oldDir, path, childOpaque);
        if (inner && !modified) {
          changes.add(Change.modify(path)); // moby reports a directory that holds changes
        }
      }
    }
    if (opaque && parentDir != null) {
      for (String name : sortedNames(parentDir)) {
        if (!present.contains(name)) {
          changes.add(Change.delete(rel + "/" + name));
        }
      }
    }
    return changes.size() > before;
  }

  /** An entry the parent lacks: it and (for a directory) everything below it are added. */
  private void addAll(Path entry, FileStat st, String path) throws IOException, Unsupported {
    changes.add(Change.add(path));
    if (!st.isDirectory()) {
      return;
    }
    for (String name : sortedNames(entry)) {
      Path child = entry.resolve(name);
      FileStat cst = posix.lstat(child);
      if (cst.isOverlayWhiteout()) {
        continue; // nothing below to delete
      }
      requireInterpretable(child, cst);
      addAll(child, cst, path + "/" + name);
    }
  }

  private void requireInterpretable(Path entry, FileStat st) throws IOException, Unsupported {
    if (st.isSymbolicLink()) {
      return; // overlay keeps no xattrs of its own on symlinks that change what they show
    }
    for (String name : posix.listXattrs(entry)) {
      if (!name.startsWith(xattrPrefix)) {
        continue;
      }
      String key = name.substring(xattrPrefix.length());
      switch (key) {
        case "redirect", "metacopy", "whiteout", "whiteouts" ->
            throw new Unsupported(entry + " has " + name);
        case "opaque" -> {
          if (!st.isDirectory() || !"y".equals(xattr(entry, name))) {
            throw new Unsupported(entry + " has " + name + "=" + xattr(entry, name));
          }
        }
        default -> { } // origin, impure, uuid, nlink, upper: bookkeeping without effect on the view
      }
    }
  }

  private boolean isOpaque(Path dir) throws IOException {
    return "y".equals(xattr(dir, xattrPrefix + "opaque"));
  }

  private String xattr(Path p, String name) throws IOException {
    return posix.getXattr(p, name).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
  }

  private byte[] capability(Path p) throws IOException {
    return posix.getXattr(p, CAPABILITY).orElse(null);
  }

  /**
   * moby {@code statDifferent}: mode (with type), owner and rdev always; size and mtime only for
   * non-directories, mtimes being equal when the seconds match and the nanoseconds match or either is 0
   * (one side came from a tar).
   */
  static boolean statDifferent(FileStat a, FileStat b) {
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

  private static List<String> sortedNames(Path dir) throws IOException {
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
