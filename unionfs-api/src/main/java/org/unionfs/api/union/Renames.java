package org.unionfs.api.union;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.union.UnionConfig.DirectoryRename;

/**
 * {@code rename}: the source is brought up whole (a lower file copied up; a directory with lower content
 * copied up recursively and made opaque, as aufs does, or refused with EXDEV, as overlayfs does), renamed
 * within the upper branch in one step, and its old name whited out where a lower entry would show through.
 */
final class Renames {
  private final UnionConfig config;
  private final Lookup lookup;
  private final Upper upper;
  private final Handles handles;
  private final Changes changes;
  private final Posix posix = Posix.get();
  private final UnionNative nat = UnionNative.get();

  Renames(UnionConfig config, Lookup lookup, Upper upper, Handles handles, Changes changes) {
    this.config = config;
    this.lookup = lookup;
    this.upper = upper;
    this.handles = handles;
    this.changes = changes;
  }

  void rename(String from, String to, int flags) throws IOException {
    if ((flags & UnionFileSystem.RENAME_EXCHANGE) != 0 || (flags & ~UnionFileSystem.RENAME_NOREPLACE) != 0) {
      throw new PosixException(from, to, "rename", Posix.EINVAL, "RENAME_EXCHANGE is not supported");
    }
    if (from.equals("/") || to.equals("/")) {
      throw new PosixException(from, to, "rename", Posix.EBUSY, "the union root");
    }
    Lock l = changes.writeLock();
    try {
      Node src = lookup.require(from);
      lookup.requireDirectory(UnionPaths.parent(to));
      if (UnionPaths.reserved(UnionPaths.name(to))) {
        throw new PosixException(to, null, "rename", Posix.EPERM, "names starting with .wh. are reserved");
      }
      Node dst = lookup.resolve(to);
      // the checks in the order Linux makes them (do_renameat2, then vfs_rename)
      if (dst.exists() && (flags & UnionFileSystem.RENAME_NOREPLACE) != 0) {
        throw new FileAlreadyExistsException(to);
      }
      if (UnionPaths.isUnder(to, from) && !to.equals(from)) {
        throw new PosixException(from, to, "rename", Posix.EINVAL, "a directory into itself");
      }
      if (UnionPaths.isUnder(from, to) && !to.equals(from)) {
        throw new DirectoryNotEmptyException(to); // the target is an ancestor of the source
      }
      if (from.equals(to) || dst.exists() && !src.isDirectory() && dst.ino() == src.ino()) {
        return; // the same file: nothing to do (POSIX)
      }
      if (dst.exists()) {
        if (src.isDirectory() && !dst.isDirectory()) {
          throw new NotDirectoryException(to);
        }
        if (!src.isDirectory() && dst.isDirectory()) {
          throw new IsDirectoryException(to);
        }
        if (dst.isDirectory() && !lookup.isEmpty(dst)) {
          throw new DirectoryNotEmptyException(to);
        }
      }
      if (src.isDirectory() && (src.branch() != 0 || !src.single())) {
        if (config.directoryRename() == DirectoryRename.EXDEV) {
          throw new AtomicMoveNotSupportedException(from, to, "directory has content in a lower branch");
        }
        copyUpTree(src);
      } else if (!src.isDirectory() && src.branch() != 0) {
        upper.copyUp(src, true);
      }
      boolean fromBelow = lookup.existsBelow(from, 0);
      boolean opaque = src.isDirectory()
          && (dst.exists() && (dst.branch() != 0 || !dst.single()) || upper.hasWhiteout(to));
      upper.ensureDirectory(UnionPaths.parent(to));
      Path rf = upper.real(from);
      Path rt = upper.real(to);
      if (opaque) {
        FileStat before = posix.lstat(rf);
        upper.markOpaque(rf); // the aufs marker is an entry: keep the moved directory's times as rename does
        posix.setTimes(rf, before.atimeSec(), before.atimeNsec(), before.mtimeSec(), before.mtimeNsec());
      }
      Optional<FileStat> atTo = posix.lstatIfExists(rt);
      if (atTo.isPresent() && !atTo.get().isDirectory()) {
        changes.orphanOpenFiles(rt); // the replaced file lives on for its open handles
      }
      if (atTo.isPresent() && atTo.get().isDirectory()) {
        upper.clearMarkers(rt); // union-empty: only whiteouts left; rename(2) needs it really empty
      }
      if (atTo.isPresent() && !atTo.get().isDirectory() && src.isDirectory()) {
        // a whiteout sits at the target: swap; the whiteout lands at the source name
        nat.rename(rf, rt, UnionNative.RENAME_EXCHANGE);
        if (fromBelow && atTo.get().isOverlayWhiteout()) {
          fromBelow = false; // that whiteout now hides the lower source
        } else {
          Files.delete(rf);
        }
      } else {
        Files.move(rf, rt, StandardCopyOption.ATOMIC_MOVE);
      }
      upper.removeAufsWhiteout(to);
      if (fromBelow) {
        upper.whiteout(from);
      }
      handles.moved(rf, rt);
      lookup.invalidate(from, src.isDirectory());
      lookup.removed(from);
      lookup.invalidate(to, src.isDirectory());
      lookup.added(to, posix.lstat(rt));
    } finally {
      l.unlock();
    }
  }

  /** Copies the whole merged directory up (aufs's rename of a lower directory) and makes it opaque. */
  private void copyUpTree(Node dir) throws IOException {
    Path real = upper.ensureDirectory(dir.path());
    for (DirEntry e : lookup.list(lookup.resolve(dir.path()))) {
      String child = UnionPaths.child(dir.path(), e.name());
      Node c = lookup.require(child);
      if (c.isDirectory()) {
        copyUpTree(c);
      } else if (c.branch() != 0) {
        upper.copyUp(c, true);
      }
    }
    FileStat before = posix.lstat(real);
    upper.markOpaque(real);
    posix.setTimes(real, before.atimeSec(), before.atimeNsec(), before.mtimeSec(), before.mtimeNsec());
    lookup.invalidate(dir.path(), true);
  }
}
