package org.unionfs.api.union;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.posix.StatFs;

/**
 * The union engine: attributes, directories, file handles and xattrs here; namespace changes in
 * {@link Changes}. Reads go straight to the branch file that holds the data; the first change of a lower
 * entry copies it up ({@link Upper}).
 */
final class UnionEngine implements UnionFileSystem {
  private final UnionConfig config;
  private final Inodes inodes = new Inodes();
  private final Lookup lookup;
  private final Upper upper;
  private final Changes changes;
  private final Handles handles = new Handles();
  private final Posix posix = Posix.get();
  private final UnionNative nat = UnionNative.get();
  private final Path[] roots;
  private final FileIo io;
  private volatile boolean closed;

  UnionEngine(UnionConfig config) throws IOException {
    this.config = config;
    roots = new Path[config.branches().size()];
    for (int i = 0; i < roots.length; i++) {
      Path p = config.branches().get(i).path();
      if (!posix.lstat(p).isDirectory()) {
        throw new NotDirectoryException(p.toString());
      }
      roots[i] = p;
    }
    lookup = new Lookup(roots, inodes);
    upper = config.writable() ? new Upper(lookup, inodes, config.whiteoutFormat(), config.root()) : null;
    changes = new Changes(config, lookup, upper, handles);
    io = new FileIo(lookup, upper != null, changes, handles);
    try {
      lookup.resolve("/");
    } catch (IOException | RuntimeException e) {
      if (upper != null) {
        upper.close(); // give the branch back
      }
      throw e;
    }
  }

  /** The union's own xattrs, never shown nor settable through it. */
  static boolean privateXattr(String name) {
    return name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.");
  }

  private void live() {
    if (closed) {
      throw new IllegalStateException("union is closed");
    }
  }

  private Node node(String path) throws IOException {
    live();
    return lookup.require(UnionPaths.check(path));
  }

  private Path real(Node n) {
    return lookup.real(n.branch(), n.path());
  }

  // ---- attributes ----

  @Override
  public UnionStat getattr(String path) throws IOException {
    return stat(node(path));
  }

  @Override
  public List<String> knownNames(long ino) {
    return lookup.namesOf(ino);
  }

  @Override
  public UnionStat getattrIfExists(String path) throws IOException {
    live();
    Node n = lookup.find(UnionPaths.check(path));
    return n == null ? null : stat(n);
  }

  private UnionStat stat(Node n) throws IOException {
    FileStat s = n.branch() == 0 && upper != null ? posix.lstat(real(n)) : n.stat();
    long nlink = s.nlink();
    if (n.isDirectory() && (!n.single() || n.path().equals("/"))) {
      nlink = 2 + lookup.subdirectories(n);
    }
    return UnionStat.of(s, n.ino(), nlink);
  }

  @Override
  public UnionStat fgetattr(long handle) throws IOException {
    live();
    Handles.OpenFile f = handles.file(handle);
    FileStat s = posix.lstat(f.real);
    return UnionStat.of(s, f.ino, f.unlinked ? 0 : s.nlink());
  }

  @Override
  public void access(String path, int mode, Caller caller) throws IOException {
    if ((mode & ~7) != 0) {
      throw new IllegalArgumentException("access mode " + mode);
    }
    UnionStat s = stat(node(path));
    if ((mode & W_OK) != 0 && upper == null) {
      throw new ReadOnlyFileSystemException();
    }
    int perms = s.mode();
    int granted;
    if (caller.uid() == 0) {
      granted = R_OK | W_OK | (s.isDirectory() || (perms & 0111) != 0 ? X_OK : 0);
    } else if (caller.uid() == s.uid()) {
      granted = (perms >> 6) & 7;
    } else if (caller.gid() == s.gid()) {
      granted = (perms >> 3) & 7;
    } else {
      granted = perms & 7;
    }
    if ((mode & ~granted) != 0) {
      throw new AccessDeniedException(path, null, "access mode " + mode + " not granted");
    }
  }

  @Override
  public StatFs statfs(String path) throws IOException {
    node(path);
    return posix.statfs(roots[0]);
  }

  // ---- directories ----

  @Override
  public long opendir(String path) throws IOException {
    Node n = node(path);
    if (!n.isDirectory()) {
      throw new NotDirectoryException(path);
    }
    List<DirEntry> listing = lookup.list(n);
    List<DirEntry> all = new ArrayList<>(listing.size() + 2);
    all.add(new DirEntry(".", n.ino(), FileStat.S_IFDIR));
    all.add(new DirEntry("..", path.equals("/") ? n.ino() : lookup.resolve(UnionPaths.parent(path)).ino(),
        FileStat.S_IFDIR));
    all.addAll(listing);
    return handles.add(new Handles.OpenDir(all));
  }

  @Override
  public void readdir(long dirHandle, long offset, DirFiller filler) throws IOException {
    live();
    List<DirEntry> entries = handles.dir(dirHandle).entries();
    if (offset < 0) {
      throw new PosixException(null, null, "readdir", Posix.EINVAL, "negative offset " + offset);
    }
    for (long i = offset; i < entries.size(); i++) {
      if (!filler.accept(entries.get((int) i), i + 1)) {
        return;
      }
    }
  }

  @Override
  public void releasedir(long dirHandle) throws IOException {
    live();
    handles.removeDir(dirHandle);
  }

  @Override
  public List<DirEntry> list(String path) throws IOException {
    Node n = node(path);
    if (!n.isDirectory()) {
      throw new NotDirectoryException(path);
    }
    return lookup.list(n);
  }

  @Override
  public void mkdir(String path, int mode, Caller caller) throws IOException {
    live();
    changes.mkdir(UnionPaths.check(path), mode, caller);
  }

  @Override
  public void rmdir(String path) throws IOException {
    live();
    changes.rmdir(UnionPaths.check(path));
  }

  // ---- files ----

  @Override
  public long open(String path, int flags) throws IOException {
    live();
    UnionPaths.check(path);
    if ((flags & O_CREAT) != 0) {
      return create(path, 0644, flags, Caller.PROCESS);
    }
    return io.open(node(path), flags);
  }

  @Override
  public long create(String path, int mode, int flags, Caller caller) throws IOException {
    live();
    UnionPaths.check(path);
    Optional<Changes.Created> made = changes.create(path, mode, flags, caller);
    if (made.isEmpty()) {
      return io.open(node(path), flags & ~(O_CREAT | O_EXCL));
    }
    Changes.Created c = made.get();
    int acc = flags & O_ACCMODE;
    return handles.add(new Handles.OpenFile(c.channel(), c.real(), acc != O_RDONLY, (flags & O_APPEND) != 0,
        c.ino(), true));
  }

  @Override
  public int read(long handle, ByteBuffer dst, long offset) throws IOException {
    live();
    return io.read(handle, dst, offset);
  }

  @Override
  public int write(long handle, ByteBuffer src, long offset) throws IOException {
    live();
    return io.write(handle, src, offset);
  }

  @Override
  public void flush(long handle) throws IOException {
    live();
    handles.file(handle);
  }

  @Override
  public void fsync(long handle, boolean dataOnly) throws IOException {
    live();
    handles.file(handle).channel.force(!dataOnly);
  }

  @Override
  public void release(long handle) throws IOException {
    live();
    io.release(handle);
  }

  @Override
  public void truncate(String path, long size) throws IOException {
    live();
    if (size < 0) {
      throw new PosixException(path, null, "truncate", Posix.EINVAL, "negative size");
    }
    Node n = node(path);
    if (n.isDirectory()) {
      throw new IsDirectoryException(path);
    }
    if (!n.stat().isRegularFile()) {
      throw new PosixException(path, null, "truncate", Posix.EINVAL, "not a regular file");
    }
    nat.truncate(changes.upperOf(path, size > 0), size);
  }

  @Override
  public void ftruncate(long handle, long size) throws IOException {
    live();
    Handles.OpenFile f = handles.file(handle);
    if (!f.writable || size < 0) {
      throw new PosixException(null, null, "ftruncate", Posix.EINVAL, "handle not writable or negative size");
    }
    nat.truncate(f.real, size);
  }

  @Override
  public void mknod(String path, int mode, long rdev, Caller caller) throws IOException {
    live();
    changes.mknod(UnionPaths.check(path), mode, rdev, caller);
  }

  @Override
  public void unlink(String path) throws IOException {
    live();
    changes.unlink(UnionPaths.check(path));
  }

  @Override
  public void rename(String from, String to, int flags) throws IOException {
    live();
    changes.rename(UnionPaths.check(from), UnionPaths.check(to), flags);
  }

  @Override
  public void symlink(String target, String linkPath, Caller caller) throws IOException {
    live();
    changes.symlink(target, UnionPaths.check(linkPath), caller);
  }

  @Override
  public String readlink(String path) throws IOException {
    Node n = node(path);
    if (!n.stat().isSymbolicLink()) {
      throw new java.nio.file.NotLinkException(path);
    }
    return nat.readlink(real(n));
  }

  @Override
  public void link(String existing, String newPath) throws IOException {
    live();
    changes.link(UnionPaths.check(existing), UnionPaths.check(newPath));
  }

  // ---- metadata ----

  @Override
  public void chmod(String path, int mode) throws IOException {
    Node n = node(path);
    if (n.stat().isSymbolicLink()) {
      throw new PosixException(path, null, "chmod", Posix.EOPNOTSUPP, "symlinks have no mode of their own");
    }
    nat.chmod(changes.upperOf(path, true), mode);
  }

  @Override
  public void chown(String path, int uid, int gid) throws IOException {
    node(path);
    posix.lchown(changes.upperOf(path, true), uid, gid);
  }

  @Override
  public void utimens(String path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
      throws IOException {
    node(path);
    posix.setTimes(changes.upperOf(path, true), atimeSec, atimeNsec, mtimeSec, mtimeNsec);
  }

  @Override
  public byte[] getxattr(String path, String name) throws IOException {
    Node n = node(path);
    Optional<byte[]> v = privateXattr(name) ? Optional.empty() : posix.getXattr(real(n), name);
    return v.orElseThrow(() -> noData(path, name));
  }

  @Override
  public byte[] getxattrIfPresent(String path, String name) throws IOException {
    Node n = node(path);
    return privateXattr(name) ? null : posix.getXattr(real(n), name).orElse(null);
  }

  private static PosixException noData(String path, String name) {
    return new PosixException(path, null, "getxattr " + name, Posix.ENODATA, "No data available");
  }

  @Override
  public void setxattr(String path, String name, byte[] value, int flags) throws IOException {
    Node n = node(path);
    if (privateXattr(name)) {
      throw new PosixException(path, null, "setxattr " + name, Posix.EPERM, "reserved by the union");
    }
    if ((flags & ~(XATTR_CREATE | XATTR_REPLACE)) != 0) {
      throw new PosixException(path, null, "setxattr", Posix.EINVAL, "bad flags " + flags);
    }
    boolean exists = posix.getXattr(real(n), name).isPresent();
    if ((flags & XATTR_CREATE) != 0 && exists) {
      throw new FileAlreadyExistsException(path, null, "xattr " + name + " exists");
    }
    if ((flags & XATTR_REPLACE) != 0 && !exists) {
      throw noData(path, name);
    }
    posix.setXattr(changes.upperOf(path, true), name, value);
  }

  @Override
  public List<String> listxattr(String path) throws IOException {
    Node n = node(path);
    List<String> out = new ArrayList<>();
    for (String name : posix.listXattrs(real(n))) {
      if (!privateXattr(name)) {
        out.add(name);
      }
    }
    return out;
  }

  @Override
  public void removexattr(String path, String name) throws IOException {
    Node n = node(path);
    if (privateXattr(name) || posix.getXattr(real(n), name).isEmpty()) {
      throw noData(path, name);
    }
    posix.removeXattr(changes.upperOf(path, true), name);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    handles.closeAll();
    lookup.close();
    if (upper != null) {
      lookup.lock.writeLock().lock();
      try {
        upper.close();
      } finally {
        lookup.lock.writeLock().unlock();
      }
    }
  }

  @Override
  public String toString() {
    return "UnionFileSystem" + config.branches();
  }
}
