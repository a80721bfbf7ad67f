package org.unionfs.api.union;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.fs.TreeCopier;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.union.UnionConfig.WhiteoutFormat;

/**
 * Everything the union writes into its read-write branch besides the caller's data: copy-ups, whiteouts,
 * opaque markers and the bookkeeping directory. New entries are built under a temporary name in
 * {@code .wh..wh.orph/} and renamed into place, so a crash never shows a half-made entry; the parent's
 * times are restored after such a rename, as overlayfs does, because a copy-up is no change of the parent.
 * Callers hold the write lock of {@link Lookup#lock}.
 */
final class Upper {
  private static final byte[] Y = {'y'};

  private final Lookup lookup;
  private final Inodes inodes;
  private final WhiteoutFormat format;
  private final boolean root;
  private final Path top;
  private final Path orph;
  private final Posix posix = Posix.get();
  private final UnionNative nat = UnionNative.get();
  private final AtomicLong seq = new AtomicLong();
  private java.nio.channels.FileChannel lockChannel;

  Upper(Lookup lookup, Inodes inodes, WhiteoutFormat format, boolean root) throws IOException {
    this.lookup = lookup;
    this.inodes = inodes;
    this.format = format;
    this.root = root;
    this.top = lookup.real(0, "/");
    this.orph = top.resolve(UnionPaths.ORPH);
    refuseIfInUse();
    removeOrphans(); // leftovers of a crash: unfinished copy-ups, files unlinked while open
    createBookkeeping();
    lockChannel = java.nio.channels.FileChannel.open(orph.resolve("lock"),
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
    lockChannel.lock(); // held while the union is open, so that no second union shares this branch
  }

  /** Another union (in any process) that holds the lock of this branch would lose its bookkeeping. */
  private void refuseIfInUse() throws IOException {
    Path lock = orph.resolve("lock");
    if (posix.lstatIfExists(lock).isEmpty()) {
      return;
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lock,
        java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.channels.FileLock l = ch.tryLock();
      if (l == null) {
        throw new java.nio.file.FileSystemException(top.toString(), null,
            "read-write branch in use by another union");
      }
      l.release();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      throw new java.nio.file.FileSystemException(top.toString(), null,
          "read-write branch in use by another union in this process");
    }
  }

  /** Releases the branch: the lock, then the bookkeeping directory. */
  void close() throws IOException {
    if (lockChannel != null) {
      lockChannel.close();
      lockChannel = null;
    }
    removeOrphans();
  }

  Path real(String path) {
    return lookup.real(0, path);
  }

  /** A fresh temporary name in the bookkeeping directory. */
  Path temp() {
    return orph.resolve("tmp." + seq.incrementAndGet());
  }

  /**
   * Creates the bookkeeping directory, keeping the branch root's times. Done once when the union opens,
   * before any other thread can change the root (a later creation would race with them over its times).
   */
  private void createBookkeeping() throws IOException {
    FileStat before = posix.lstat(top);
    Files.createDirectory(orph);
    nat.chmod(orph, 0700);
    restoreTimes(top, before);
  }

  /** Empties and removes the bookkeeping directory, keeping the branch root's times. */
  void removeOrphans() throws IOException {
    Optional<FileStat> o = posix.lstatIfExists(orph);
    if (o.isPresent()) {
      FileStat before = posix.lstat(top);
      FileTrees.deleteTree(orph);
      restoreTimes(top, before);
    }
  }

  /** Deletes a tree from the branch by moving it to the bookkeeping directory first (one atomic step). */
  void removeTree(Path p) throws IOException {
    Path t = temp();
    Files.move(p, t, StandardCopyOption.ATOMIC_MOVE);
    FileTrees.deleteTree(t);
  }

  /** Moves a finished temporary entry to {@code dest} (replacing a non-directory), keeping the parent's times. */
  void install(Path tmp, Path dest) throws IOException {
    Path parent = dest.getParent();
    FileStat before = posix.lstat(parent);
    Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
    restoreTimes(parent, before);
  }

  private void restoreTimes(Path p, FileStat s) throws IOException {
    posix.setTimes(p, s.atimeSec(), s.atimeNsec(), s.mtimeSec(), s.mtimeNsec());
  }

  // ---- copy-up ----

  /** Makes sure directory {@code path} exists in this branch (copying it and its parents up); its real path. */
  Path ensureDirectory(String path) throws IOException {
    Node n = lookup.requireDirectory(path);
    if (n.branch() == 0) {
      return real(path);
    }
    ensureDirectory(UnionPaths.parent(path));
    Path dest = real(path); // after the parent exists: a long path resolves through it
    Path t = temp();
    TreeCopier.copyEntry(lookup.real(n.branch(), path), t);
    stripPrivateXattrs(t);
    install(t, dest);
    FileStat s = posix.lstat(dest);
    inodes.alias(s.dev(), s.ino(), n.ino());
    lookup.copiedUp(path);
    return dest;
  }

  /**
   * Copies the non-directory {@code n} up from its lower branch: with its data, or (when the caller is about
   * to truncate it to nothing) as an empty file with the same metadata. Callers hold the write lock.
   */
  Path copyUp(Node n, boolean withData) throws IOException {
    return install(n, copyAside(n, withData));
  }

  /**
   * The slow half of a copy-up, which needs no lock of the union: an exact copy of the lower entry under a
   * temporary name (data with holes, owner, mode, xattrs but the union's own, nanosecond times).
   */
  Path copyAside(Node n, boolean withData) throws IOException {
    Path src = lookup.real(n.branch(), n.path());
    Path t = temp();
    try {
      if (withData || !n.stat().isRegularFile() || n.stat().size() == 0) {
        TreeCopier.copyEntry(src, t);
      } else {
        copyEmpty(src, n.stat(), t);
      }
      stripPrivateXattrs(t);
      return t;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(t);
      throw e;
    }
  }

  /** The quick half, under the write lock: parents up, then the copy renamed into place (atomic). */
  Path install(Node n, Path copy) throws IOException {
    String path = n.path();
    Path dest;
    try {
      ensureDirectory(UnionPaths.parent(path));
      dest = real(path); // after the parent exists: a long path resolves through it
      install(copy, dest);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    if (n.stat().nlink() > 1) {
      // other names of the lower inode stay below with the old content: they must not share the number
      inodes.renumber(n.stat().dev(), n.stat().ino());
    }
    FileStat s = posix.lstat(dest);
    inodes.alias(s.dev(), s.ino(), n.ino());
    lookup.copiedUp(path);
    return dest;
  }

  private void copyEmpty(Path src, FileStat st, Path t) throws IOException {
    Files.createFile(t);
    posix.lchown(t, st.uid(), st.gid());
    for (String name : posix.listXattrs(src)) {
      Optional<byte[]> v = posix.getXattr(src, name);
      if (v.isPresent()) {
        posix.setXattr(t, name, v.get());
      }
    }
    nat.chmod(t, st.permissions());
    posix.setTimes(t, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec());
  }

  private void stripPrivateXattrs(Path p) throws IOException {
    for (String name : posix.listXattrs(p)) {
      if (UnionEngine.privateXattr(name)) {
        posix.removeXattr(p, name);
      }
    }
  }

  // ---- whiteouts ----

  /** Whether this branch has a whiteout for {@code path} (either format). */
  boolean hasWhiteout(String path) throws IOException {
    Path dir = real(UnionPaths.parent(path));
    if (lookup.hasAufsWhiteout(dir, UnionPaths.name(path))) {
      return true;
    }
    Optional<FileStat> s = posix.lstatIfExists(real(path));
    return s.isPresent() && s.get().isOverlayWhiteout();
  }

  /** Removes an aufs whiteout of {@code path} from this branch, if there is one. */
  void removeAufsWhiteout(String path) throws IOException {
    String name = UnionPaths.name(path);
    Path dir = real(UnionPaths.parent(path));
    if (lookup.hasAufsWhiteout(dir, name)) {
      Files.deleteIfExists(dir.resolve(UnionPaths.WH + name));
    }
  }

  /**
   * Puts the entry built at {@code tmp} at union {@code path}: where an overlay whiteout (a 0/0 device) sits
   * at that name, the two are exchanged in one step and the whiteout deleted; an aufs whiteout is removed
   * after the entry is in place (in aufs the entry of a branch wins over that branch's whiteout).
   */
  void place(Path tmp, String path) throws IOException {
    Path dest = real(path);
    Optional<FileStat> there = posix.lstatIfExists(dest);
    if (there.isPresent()) {
      if (!there.get().isOverlayWhiteout()) {
        throw new FileAlreadyExistsException(path);
      }
      nat.rename(tmp, dest, UnionNative.RENAME_EXCHANGE);
      Files.delete(tmp);
    } else {
      nat.rename(tmp, dest, UnionNative.RENAME_NOREPLACE);
    }
    removeAufsWhiteout(path);
  }

  /**
   * Writes a whiteout for {@code path} in the parent directory of this branch, which must exist, and
   * where no entry of that name may remain (the caller removed or moved it).
   */
  void whiteout(String path) throws IOException {
    String name = UnionPaths.name(path);
    Path dir = real(UnionPaths.parent(path));
    if (format == WhiteoutFormat.AUFS) {
      if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255 - UnionPaths.WH.length()) {
        throw new org.unionfs.api.posix.PosixException(path, null, "whiteout", 36,
            "name too long for an aufs whiteout (.wh. + name > 255 bytes)");
      }
      Path wh = dir.resolve(UnionPaths.WH + name);
      if (posix.lstatIfExists(wh).isEmpty()) {
        Files.createFile(wh);
        nat.chmod(wh, 0444);
      }
    } else {
      Path t = temp();
      posix.mknod(t, FileStat.S_IFCHR, 0);
      Files.move(t, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Replaces the directory at {@code path} in this branch by a whiteout in one step where the format allows
   * (overlay: exchange; aufs: the whiteout first, then the directory), then deletes the old directory.
   */
  void replaceDirectoryByWhiteout(String path) throws IOException {
    Path dest = real(path);
    if (format == WhiteoutFormat.OVERLAY) {
      Path t = temp();
      posix.mknod(t, FileStat.S_IFCHR, 0);
      nat.rename(t, dest, UnionNative.RENAME_EXCHANGE);
      FileTrees.deleteTree(t);
    } else {
      whiteout(path);
      removeTree(dest);
    }
  }

  /** Marks the directory {@code dir} (a real path in this branch) opaque. */
  void markOpaque(Path dir) throws IOException {
    if (format == WhiteoutFormat.AUFS) {
      Path m = dir.resolve(UnionPaths.OPAQUE);
      if (posix.lstatIfExists(m).isEmpty()) {
        Files.createFile(m);
      }
    } else {
      posix.setXattr(dir, root ? "trusted.overlay.opaque" : "user.overlay.opaque", Y);
    }
  }

  /** Deletes the whiteouts and markers in an upper directory that is empty in the union view. */
  void clearMarkers(Path dir) throws IOException {
    for (UnionNative.Dirent e : nat.readDirectory(dir)) {
      Path p = dir.resolve(e.name());
      if (e.name().startsWith(UnionPaths.WH)) {
        FileTrees.deleteTree(p);
      } else {
        Optional<FileStat> s = posix.lstatIfExists(p);
        if (s.isPresent() && (s.get().isOverlayWhiteout() || s.get().isRegularFile() && s.get().size() == 0)) {
          Files.delete(p); // 0/0 device, or an xattr whiteout of an opaque=x directory
        } else if (s.isPresent()) {
          throw new java.nio.file.DirectoryNotEmptyException(p.toString());
        }
      }
    }
    for (String name : new String[] {"trusted.overlay.opaque", "user.overlay.opaque"}) {
      posix.removeXattr(dir, name);
    }
  }

  void delete(Path p) throws IOException {
    try {
      Files.delete(p);
    } catch (NoSuchFileException e) {
      // already gone
    }
  }
}
