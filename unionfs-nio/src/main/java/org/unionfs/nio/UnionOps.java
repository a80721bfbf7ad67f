package org.unionfs.nio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.union.Caller;
import org.unionfs.api.union.DirEntry;
import org.unionfs.api.union.UnionFileSystem;
import org.unionfs.api.union.UnionStat;

/**
 * The semantics of the provider's operations over the union engine (jimfs's {@code FileSystemView}):
 * symlink resolution (the engine never follows a symlink, the kernel does that for FUSE), creation
 * with the process's umask, deletion, links, channels and directory listings. Every method checks that
 * the file system is open and names the caller's path in its exceptions.
 */
final class UnionOps {
  /** Symlinks followed in one resolution before ELOOP, as Linux's {@code MAXSYMLINKS}. */
  static final int MAX_LINKS = 40;

  private final UnionNioFileSystem fs;
  private final UnionFileSystem union;
  private final ProcessIds ids;

  UnionOps(UnionNioFileSystem fs, UnionFileSystem union, ProcessIds ids) {
    this.fs = fs;
    this.union = union;
    this.ids = ids;
  }

  UnionFileSystem union() {
    return union;
  }

  // ---- resolution ----

  /**
   * The engine path of {@code p}: absolute, normalised, every symlink in it resolved (the last name only
   * with {@code followLast}). A missing last name is returned as it is; a missing directory on the way
   * is {@link NoSuchFileException}.
   */
  String realPath(UnionPath p, boolean followLast) throws IOException {
    fs.checkOpen();
    Deque<String> pending = new ArrayDeque<>(p.toAbsolutePath().nameList());
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String name = pending.pollFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      done.add(name);
      boolean last = pending.isEmpty();
      if (last && !followLast) {
        break;
      }
      String current = join(done);
      UnionStat st;
      try {
        st = union.getattr(current);
      } catch (NoSuchFileException e) {
        if (last) {
          break;
        }
        throw new NoSuchFileException(p.toString());
      } catch (NotDirectoryException e) {
        throw new FileSystemException(p.toString(), null, "Not a directory");
      }
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) {
          throw Errors.loop(p);
        }
        String target = union.readlink(current);
        done.remove(done.size() - 1);
        if (target.startsWith("/")) {
          done.clear();
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          pending.addFirst(parts[i]);
        }
      } else if (!last && !st.isDirectory()) {
        throw new FileSystemException(p.toString(), null, "Not a directory");
      }
    }
    return join(done);
  }

  private static String join(List<String> names) {
    return "/" + String.join("/", names);
  }

  /** lstat (or stat with {@code follow}) of {@code p}. */
  UnionStat stat(UnionPath p, boolean follow) throws IOException {
    String real = realPath(p, follow);
    try {
      return union.getattr(real);
    } catch (IOException e) {
      throw Errors.on(e, p, null);
    }
  }

  /** The stat of {@code real}, or null if nothing is there. */
  UnionStat statIfExists(String real) throws IOException {
    try {
      return union.getattr(real);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  // ---- access ----

  void checkAccess(UnionPath p, AccessMode... modes) throws IOException {
    int mode = UnionFileSystem.F_OK;
    for (AccessMode m : modes) {
      mode |= switch (m) {
        case READ -> UnionFileSystem.R_OK;
        case WRITE -> UnionFileSystem.W_OK;
        case EXECUTE -> UnionFileSystem.X_OK;
      };
    }
    String real = realPath(p, true);
    try {
      union.access(real, mode, ids.caller());
    } catch (ReadOnlyFileSystemException e) {
      throw Errors.readOnly(p);
    } catch (IOException e) {
      throw Errors.on(e, p, null);
    }
  }

  // ---- creation and deletion ----

  void createDirectory(UnionPath p, FileAttribute<?>... attrs) throws IOException {
    CreateAttrs a = CreateAttrs.of(attrs, false);
    String real = realPath(p, false);
    if (real.equals("/")) {
      throw new FileAlreadyExistsException(p.toString());
    }
    try {
      union.mkdir(real, a.permissions(0777) & ~ids.umask(), Caller.PROCESS);
    } catch (IOException e) {
      throw Errors.on(e, p, null);
    }
  }

  void delete(UnionPath p) throws IOException {
    String real = realPath(p, false);
    try {
      UnionStat st = union.getattr(real);
      if (st.isDirectory()) {
        if (real.equals("/")) {
          throw new FileSystemException(p.toString(), null, "the root of a union cannot be deleted");
        }
        union.rmdir(real);
      } else {
        union.unlink(real);
      }
    } catch (IOException e) {
      throw Errors.on(e, p, null);
    }
  }

  void createSymbolicLink(UnionPath link, UnionPath target, FileAttribute<?>... attrs) throws IOException {
    if (attrs.length > 0) {
      throw new UnsupportedOperationException("initial attributes of a symbolic link: "
          + attrs[0].name() + " not supported");
    }
    String real = realPath(link, false);
    try {
      union.symlink(target.toString(), real, Caller.PROCESS);
    } catch (IOException e) {
      throw Errors.on(e, link, null);
    }
  }

  void createLink(UnionPath link, UnionPath existing) throws IOException {
    String realExisting = realPath(existing, false);
    String real = realPath(link, false);
    try {
      union.link(realExisting, real);
    } catch (IOException e) {
      throw Errors.on(e, link, existing);
    }
  }

  UnionPath readSymbolicLink(UnionPath link) throws IOException {
    String real = realPath(link, false);
    try {
      return fs.getPath(union.readlink(real));
    } catch (IOException e) {
      throw Errors.on(e, link, null);
    }
  }

  // ---- channels and listings ----

  FileChannel newFileChannel(UnionPath p, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    Options.Open o = Options.Open.of(options);
    CreateAttrs a = CreateAttrs.of(attrs, o.createNew());
    if (o.write() && fs.isReadOnly()) {
      throw Errors.readOnly();
    }
    String real = realPath(p, !o.noFollow() && !o.createNew());
    try {
      if (a.isSpecialNode()) {
        union.mknod(real, a.mode() & ~ids.umask() | (a.mode() & FileStat.S_IFMT), a.rdev(), Caller.PROCESS);
        return UnionFileChannel.node(fs, p);
      }
      if (o.noFollow()) {
        UnionStat st = statIfExists(real);
        if (st != null && st.isSymbolicLink()) {
          throw Errors.noFollow(p);
        }
      }
      int flags = (o.read() && o.write() ? UnionFileSystem.O_RDWR
          : o.write() ? UnionFileSystem.O_WRONLY : UnionFileSystem.O_RDONLY)
          | (o.truncate() ? UnionFileSystem.O_TRUNC : 0) | (o.append() ? UnionFileSystem.O_APPEND : 0);
      long handle;
      if (o.createNew()) {
        handle = union.create(real, a.permissions(0666) & ~ids.umask(),
            flags | UnionFileSystem.O_CREAT | UnionFileSystem.O_EXCL, Caller.PROCESS);
      } else if (o.create()) {
        handle = union.create(real, a.permissions(0666) & ~ids.umask(), flags | UnionFileSystem.O_CREAT,
            Caller.PROCESS);
      } else {
        handle = union.open(real, flags);
      }
      return UnionFileChannel.open(fs, p, handle, o, o.deleteOnClose() ? real : null);
    } catch (IOException e) {
      throw Errors.on(e, p, null);
    }
  }

  DirectoryStream<Path> newDirectoryStream(UnionPath dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    String real = realPath(dir, true);
    List<DirEntry> entries;
    try {
      UnionStat st = union.getattr(real);
      if (!st.isDirectory()) {
        throw new NotDirectoryException(dir.toString());
      }
      entries = union.list(real);
    } catch (NotDirectoryException e) {
      throw new NotDirectoryException(dir.toString());
    } catch (IOException e) {
      throw Errors.on(e, dir, null);
    }
    List<String> names = new ArrayList<>(entries.size());
    entries.forEach(e -> names.add(e.name()));
    return new UnionDirectoryStream(fs, dir, names, filter);
  }

  /** Whether both paths name the same entry (same union inode, symlinks followed). */
  boolean isSameFile(UnionPath a, UnionPath b) throws IOException {
    if (a.equals(b)) {
      return true;
    }
    return stat(a, true).ino() == stat(b, true).ino();
  }
}
