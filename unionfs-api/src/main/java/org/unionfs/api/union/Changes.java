package org.unionfs.api.union;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import org.unionfs.api.internal.PerKeyLock;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * The namespace changes: create, mkdir, mknod, symlink, link, unlink, rmdir, rename, and the copy-up that
 * precedes a change of a lower entry. Each runs under the write lock of {@link Lookup#lock} and ends by
 * invalidating what it changed in the lookup cache.
 */
final class Changes {
  /** A file made by {@link #create}: its channel, real path and union inode number. */
  record Created(FileChannel channel, Path real, long ino) {}

  private final UnionConfig config;
  private final Lookup lookup;
  private final Upper upper;
  private final Handles handles;
  private final Posix posix = Posix.get();
  private final UnionNative nat = UnionNative.get();
  private final PerKeyLock copyUps = new PerKeyLock();
  private final Renames renames;

  Changes(UnionConfig config, Lookup lookup, Upper upper, Handles handles) {
    this.config = config;
    this.lookup = lookup;
    this.upper = upper;
    this.handles = handles;
    this.renames = new Renames(config, lookup, upper, handles, this);
  }

  Lock writeLock() {
    if (upper == null) {
      throw new ReadOnlyFileSystemException();
    }
    Lock l = lookup.lock.writeLock();
    l.lock();
    return l;
  }

  /**
   * The upper real path of {@code path}, copying the entry up first if it lives below. A file's data is
   * copied without the union's lock (only this path's), so that a big copy-up stalls no other operation.
   */
  Path upperOf(String path, boolean withData) throws IOException {
    if (upper == null) {
      throw new ReadOnlyFileSystemException();
    }
    Node seen = lookup.require(path);
    if (seen.branch() != 0 && !seen.isDirectory()) {
      try (PerKeyLock.Held held = copyUps.lock(path)) {
        Node n = lookup.require(path);
        if (n.branch() != 0 && !n.isDirectory()) {
          Path copy = upper.copyAside(n, withData);
          Lock l = writeLock();
          try {
            Node now = lookup.require(path);
            if (now.branch() == n.branch() && !now.isDirectory() && now.ino() == n.ino()) {
              return upper.install(now, copy);
            }
            Files.deleteIfExists(copy); // changed meanwhile (unlinked, renamed over): decide again below
          } finally {
            l.unlock();
          }
        }
      }
    }
    Lock l = writeLock();
    try {
      Node n = lookup.require(path);
      if (n.branch() == 0) {
        return upper.real(path);
      }
      return n.isDirectory() ? upper.ensureDirectory(path) : upper.copyUp(n, withData);
    } finally {
      l.unlock();
    }
  }

  // ---- creation ----

  /** Checks that {@code path} can be created and makes its parent exist in the upper branch. */
  private Node prepare(String path) throws IOException {
    if (path.equals("/")) {
      throw new FileAlreadyExistsException(path);
    }
    Node parent = lookup.requireDirectory(UnionPaths.parent(path));
    if (UnionPaths.reserved(UnionPaths.name(path))) {
      throw new PosixException(path, null, "create", Posix.EPERM, "names starting with .wh. are reserved");
    }
    if (lookup.resolve(path).exists()) {
      throw new FileAlreadyExistsException(path);
    }
    upper.ensureDirectory(parent.path());
    return lookup.resolve(parent.path());
  }

  /** Whether something (a whiteout) sits at the upper name, so the new entry must be built aside and placed. */
  private boolean whiteoutThere(String path) throws IOException {
    return posix.lstatIfExists(upper.real(path)).isPresent()
        || lookup.hasAufsWhiteout(upper.real(UnionPaths.parent(path)), UnionPaths.name(path));
  }

  /** Owner and mode of a new entry; the group of a set-group-ID parent is inherited, as Linux does. */
  private void own(Path p, int perms, Caller caller, Node parent, boolean dir, boolean symlink)
      throws IOException {
    FileStat ps = posix.lstat(upper.real(parent.path()));
    int uid = caller.uid();
    int gid = caller.gid();
    if ((ps.mode() & 02000) != 0) {
      gid = ps.gid();
      perms = dir ? perms | 02000 : perms;
    }
    if (uid != -1 || gid != -1) {
      try {
        posix.lchown(p, uid, gid);
      } catch (java.nio.file.AccessDeniedException e) {
        if (config.root()) {
          throw e;
        }
        // without root powers the owner stays the process (best effort, as unionfs-fuse does)
      }
    }
    if (!symlink) {
      nat.chmod(p, perms & 07777);
    }
  }

  private FileStat created(String path) throws IOException {
    lookup.invalidate(path, false); // a new name has no cached entries below it but negative ones, still true
    FileStat s = posix.lstat(upper.real(path));
    lookup.added(path, s);
    return s;
  }

  /** Creates a regular file; empty if it already exists (then the caller opens it, unless O_EXCL). */
  Optional<Created> create(String path, int mode, int flags, Caller caller) throws IOException {
    Lock l = writeLock();
    try {
      Node existing = lookup.resolve(path);
      if (existing.exists()) {
        if ((flags & UnionFileSystem.O_EXCL) != 0) {
          throw new FileAlreadyExistsException(path);
        }
        return Optional.empty();
      }
      Node parent = prepare(path);
      boolean aside = whiteoutThere(path);
      Path dest = upper.real(path);
      Path p = aside ? upper.temp() : dest;
      FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      try {
        own(p, mode, caller, parent, false, false);
        if (aside) {
          upper.place(p, path);
        }
      } catch (IOException | RuntimeException e) {
        ch.close();
        Files.deleteIfExists(p);
        throw e;
      }
      return Optional.of(new Created(ch, dest, lookup.inode(created(path))));
    } finally {
      l.unlock();
    }
  }

  void mkdir(String path, int mode, Caller caller) throws IOException {
    Lock l = writeLock();
    try {
      Node parent = prepare(path);
      boolean aside = whiteoutThere(path);
      Path p = aside ? upper.temp() : upper.real(path);
      Files.createDirectory(p);
      own(p, mode, caller, parent, true, false);
      if (aside) {
        upper.markOpaque(p); // a deleted lower directory of this name must stay hidden
        upper.place(p, path);
      }
      created(path);
    } finally {
      l.unlock();
    }
  }

  void mknod(String path, int mode, long rdev, Caller caller) throws IOException {
    int type = mode & FileStat.S_IFMT;
    type = type == 0 ? FileStat.S_IFREG : type;
    if (type == FileStat.S_IFDIR || type == FileStat.S_IFLNK) {
      throw new PosixException(path, null, "mknod", Posix.EPERM, "mknod cannot make directories or symlinks");
    }
    if ((type == FileStat.S_IFCHR || type == FileStat.S_IFBLK) && !config.root()) {
      throw new PosixException(path, null, "mknod", Posix.EPERM, "device nodes need root");
    }
    Lock l = writeLock();
    try {
      Node parent = prepare(path);
      boolean aside = whiteoutThere(path);
      Path p = aside ? upper.temp() : upper.real(path);
      if (type == FileStat.S_IFREG) {
        Files.createFile(p);
      } else {
        posix.mknod(p, type | 0600, rdev);
      }
      own(p, mode, caller, parent, false, false);
      if (aside) {
        upper.place(p, path);
      }
      created(path);
    } finally {
      l.unlock();
    }
  }

  void symlink(String target, String path, Caller caller) throws IOException {
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new PosixException(path, null, "symlink", 2, "empty or NUL in target");
    }
    Lock l = writeLock();
    try {
      Node parent = prepare(path);
      boolean aside = whiteoutThere(path);
      Path p = aside ? upper.temp() : upper.real(path);
      nat.symlink(target, p);
      own(p, 0777, caller, parent, false, true);
      if (aside) {
        upper.place(p, path);
      }
      created(path);
    } finally {
      l.unlock();
    }
  }

  void link(String existing, String path) throws IOException {
    Lock l = writeLock();
    try {
      Node src = lookup.require(existing);
      prepare(path); // EEXIST and a missing parent come before EPERM, as in Linux
      if (src.isDirectory()) {
        throw new PosixException(existing, path, "link", Posix.EPERM, "hard links to directories");
      }
      Path srcReal = src.branch() == 0 ? upper.real(existing) : upper.copyUp(src, true);
      boolean aside = whiteoutThere(path);
      Path p = aside ? upper.temp() : upper.real(path);
      Files.createLink(p, srcReal);
      if (aside) {
        upper.place(p, path);
      }
      created(path);
      lookup.nodeChanged(existing);
    } finally {
      l.unlock();
    }
  }

  // ---- removal ----

  void unlink(String path) throws IOException {
    Lock l = writeLock();
    try {
      Node n = lookup.require(path);
      if (n.isDirectory()) {
        throw new IsDirectoryException(path);
      }
      if (n.branch() == 0) {
        boolean below = lookup.existsBelow(path, 0);
        Path real = upper.real(path);
        orphanOpenFiles(real);
        if (below) {
          upper.whiteout(path); // aufs: the entry still wins until deleted; overlay: replaces it atomically
        }
        if (posix.lstatIfExists(real).filter(s -> !s.isOverlayWhiteout()).isPresent()) {
          Files.delete(real);
        }
      } else {
        upper.ensureDirectory(UnionPaths.parent(path));
        upper.whiteout(path);
      }
      lookup.invalidate(path, false);
      lookup.removed(path);
    } finally {
      l.unlock();
    }
  }

  /** Files open at {@code real} keep working after the name goes: they move to the bookkeeping directory. */
  void orphanOpenFiles(Path real) throws IOException {
    List<Handles.OpenFile> open = handles.openAt(real);
    open.removeIf(f -> !f.real.equals(real));
    if (open.isEmpty()) {
      return;
    }
    Path t = upper.temp();
    Files.createLink(t, real); // the name stays for the whiteout logic; the orphan keeps the inode
    for (Handles.OpenFile f : open) {
      f.real = t;
      f.unlinked = true;
    }
  }

  /** The last handle of an unlinked file was released: delete the orphan. */
  void dropOrphan(Path orphan) throws IOException {
    Lock l = lookup.lock.writeLock();
    l.lock();
    try {
      if (!handles.anyAt(orphan)) {
        Files.deleteIfExists(orphan);
      }
    } finally {
      l.unlock();
    }
  }

  void rmdir(String path) throws IOException {
    if (path.equals("/")) {
      throw new PosixException(path, null, "rmdir", Posix.EBUSY, "the union root");
    }
    Lock l = writeLock();
    try {
      Node n = lookup.require(path);
      if (!n.isDirectory()) {
        throw new NotDirectoryException(path);
      }
      if (!lookup.isEmpty(n)) {
        throw new DirectoryNotEmptyException(path);
      }
      boolean below = lookup.existsBelow(path, 0);
      if (n.branch() == 0) {
        if (below) {
          upper.replaceDirectoryByWhiteout(path);
        } else {
          upper.removeTree(upper.real(path));
        }
      } else {
        upper.ensureDirectory(UnionPaths.parent(path));
        upper.whiteout(path);
      }
      lookup.invalidate(path, false); // it was empty: below it only negative entries, still true
      lookup.removed(path);
    } finally {
      l.unlock();
    }
  }

  // ---- rename ----

  void rename(String from, String to, int flags) throws IOException {
    renames.rename(from, to, flags);
  }
}
