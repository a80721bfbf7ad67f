package org.unionfs.fuse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.union.Caller;
import org.unionfs.api.union.UnionFileSystem;
import org.unionfs.api.union.UnionStat;
import org.unionfs.fuse.binding.CallerContext;
import org.unionfs.fuse.binding.DirFiller;
import org.unionfs.fuse.binding.FileInfo;
import org.unionfs.fuse.binding.FuseFileSystem;
import org.unionfs.fuse.binding.KernelCache;
import org.unionfs.fuse.binding.StatFsSink;
import org.unionfs.fuse.binding.StatSink;
import org.unionfs.fuse.binding.TimeSpec;

/**
 * Serves a {@link UnionFileSystem} to the kernel. Every operation is total: its body runs inside one
 * guard ({@link #guard}) that maps whatever is thrown to an errno through {@link Errnos}, so no
 * exception ever reaches native code and nothing answers 0 by accident. Operations the union has no
 * counterpart for (fallocate, fsyncdir) keep the {@code -ENOSYS} default.
 *
 * <p>Permissions are the kernel's job ({@code default_permissions}); new entries get the caller's uid
 * and gid when the mount runs as root.
 */
public final class UnionFuseOperations implements FuseFileSystem {
  private static final Logger LOG = LoggerFactory.getLogger(UnionFuseOperations.class);
  /** NAME_MAX of Linux filesystems: FUSE lets names up to 1024 bytes through. */
  static final int NAME_MAX = 255;

  private final UnionFileSystem union;
  private final boolean chownToCaller;
  private final FileHandles handles = new FileHandles();
  private volatile CallerContext callers = () -> new CallerContext.Caller(-1, -1, 0, 0);
  private volatile KernelCache kernelCache = KernelCache.NONE;

  /**
   * @param union the union to serve; closed by the owner, not here
   * @param chownToCaller give new entries the requesting uid/gid (true when running as root)
   */
  public UnionFuseOperations(UnionFileSystem union, boolean chownToCaller) {
    this.union = Objects.requireNonNull(union, "union");
    this.chownToCaller = chownToCaller;
  }

  /** The body of an operation: returns the callback's non-negative result or throws. */
  @FunctionalInterface
  interface Body {
    int run() throws Exception;
  }

  /** The one guard: runs {@code body}, answering {@code -errno} for anything it throws. */
  static int guard(String op, String path, Body body) {
    try {
      if (path != null) {
        requireNameLengths(path);
      }
      return body.run();
    } catch (Throwable t) {
      if (t instanceof Error e && !(t instanceof StackOverflowError)) {
        LOG.error("{} {}: {}", op, path, e.toString(), e);
      }
      return Errnos.answer(op, path, t);
    }
  }

  static void requireNameLengths(String path) throws FuseErrnoException {
    if (path.length() <= NAME_MAX / 3) {
      return; // no component can reach 256 UTF-8 bytes
    }
    int start = 1;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String name = path.substring(start, end);
      if (name.length() > NAME_MAX / 3 && name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
        throw new FuseErrnoException(Errno.ENAMETOOLONG, path, "name longer than " + NAME_MAX + " bytes");
      }
      start = end + 1;
    }
  }

  private Caller owner() {
    if (!chownToCaller) {
      return Caller.PROCESS;
    }
    CallerContext.Caller c = callers.caller();
    return new Caller(c.uid(), c.gid());
  }

  private static FileStat toFileStat(UnionStat s) {
    return new FileStat(0, s.ino(), s.mode(), s.nlink(), s.uid(), s.gid(), s.rdev(), s.size(), s.blocks(),
        s.atimeSec(), s.atimeNsec(), s.mtimeSec(), s.mtimeNsec(), s.ctimeSec(), s.ctimeNsec());
  }

  /** Number of files and directories open through the mount (for tests and shutdown). */
  int openHandles() {
    return handles.size();
  }

  @Override
  public void attach(CallerContext callers) {
    this.callers = Objects.requireNonNull(callers, "callers");
  }

  @Override
  public void attach(KernelCache kernelCache) {
    this.kernelCache = Objects.requireNonNull(kernelCache, "kernelCache");
  }

  /** The entry at {@code path} if it is a file with more than one name (whose other names go stale). */
  private UnionStat linked(String path) throws java.io.IOException {
    if (kernelCache == KernelCache.NONE) {
      return null;
    }
    UnionStat st = union.getattrIfExists(path);
    return st != null && !st.isDirectory() && st.nlink() > 1 ? st : null;
  }

  /**
   * libfuse2 gives each name its own kernel inode: after a change of a hard-linked file through one name,
   * the kernel must forget what it cached under the others (their link count, mode, owner, times).
   */
  private void forgetOtherNames(UnionStat st, String except) {
    if (st == null) {
      return;
    }
    for (String name : union.knownNames(st.ino())) {
      if (!name.equals(except)) {
        kernelCache.forgetAttributes(name);
      }
    }
  }

  @Override
  public int getattr(String path, StatSink out, FileInfo fi) {
    return guard("getattr", path, () -> {
      UnionStat st = fi != null
          ? union.fgetattr(handles.get(fi.fh()).unionHandle())
          : union.getattrIfExists(path);
      if (st == null) {
        return Errno.ENOENT.negative(); // the lookup of a name about to be created: no exception
      }
      out.set(toFileStat(st));
      return 0;
    });
  }

  @Override
  public int readlink(String path, ByteBuffer dst) {
    return guard("readlink", path, () -> {
      byte[] target = union.readlink(path).getBytes(StandardCharsets.UTF_8);
      if (dst.capacity() == 0) {
        throw new FuseErrnoException(Errno.ERANGE, path, "readlink buffer of 0 bytes");
      }
      // as readlink(2) truncates, the FUSE buffer keeps room for the NUL
      int n = Math.min(target.length, dst.capacity() - 1);
      dst.put(target, 0, n).put((byte) 0);
      return 0;
    });
  }

  @Override
  public int mknod(String path, int mode, long rdev) {
    return guard("mknod", path, () -> {
      union.mknod(path, mode, rdev, owner());
      return 0;
    });
  }

  @Override
  public int mkdir(String path, int mode) {
    return guard("mkdir", path, () -> {
      union.mkdir(path, mode & 07777, owner());
      return 0;
    });
  }

  @Override
  public int unlink(String path) {
    return guard("unlink", path, () -> {
      UnionStat st = linked(path);
      union.unlink(path);
      forgetOtherNames(st, path);
      return 0;
    });
  }

  @Override
  public int rmdir(String path) {
    return guard("rmdir", path, () -> {
      union.rmdir(path);
      return 0;
    });
  }

  @Override
  public int symlink(String target, String path) {
    return guard("symlink", path, () -> {
      union.symlink(target, path, owner());
      return 0;
    });
  }

  @Override
  public int rename(String from, String to, int flags) {
    return guard("rename", from, () -> {
      requireNameLengths(to);
      UnionStat replaced = linked(to);
      union.rename(from, to, flags);
      forgetOtherNames(replaced, to);
      return 0;
    });
  }

  @Override
  public int link(String from, String to) {
    return guard("link", to, () -> {
      union.link(from, to);
      UnionStat st = union.getattrIfExists(to);
      if (st != null && kernelCache != KernelCache.NONE) {
        kernelCache.forgetAttributes(from); // the kernel learns the new count only under the new name
        forgetOtherNames(st, to);
      }
      return 0;
    });
  }

  @Override
  public int chmod(String path, int mode) {
    return guard("chmod", path, () -> {
      union.chmod(path, mode & 07777);
      forgetOtherNames(linked(path), path);
      return 0;
    });
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return guard("chown", path, () -> {
      union.chown(path, (int) uid, (int) gid);
      forgetOtherNames(linked(path), path);
      return 0;
    });
  }

  @Override
  public int truncate(String path, long size, FileInfo fi) {
    return guard("truncate", path, () -> {
      if (fi != null) {
        union.ftruncate(handles.get(fi.fh()).unionHandle(), size);
      } else {
        union.truncate(path, size);
        forgetOtherNames(linked(path), path);
      }
      return 0;
    });
  }

  @Override
  public int utimens(String path, TimeSpec atime, TimeSpec mtime) {
    return guard("utimens", path, () -> {
      union.utimens(path, atime.sec(), atime.nsec(), mtime.sec(), mtime.nsec());
      forgetOtherNames(linked(path), path);
      return 0;
    });
  }

  @Override
  public int open(String path, FileInfo fi) {
    return guard("open", path, () -> {
      int flags = fi.flags();
      long h = union.open(path, flags);
      fi.fh(handles.add(new FileHandles.OpenFile(h, false, path, flags)));
      return 0;
    });
  }

  @Override
  public int create(String path, int mode, FileInfo fi) {
    return guard("create", path, () -> {
      int flags = fi.flags();
      long h = union.create(path, mode & 07777, flags, owner());
      fi.fh(handles.add(new FileHandles.OpenFile(h, false, path, flags)));
      return 0;
    });
  }

  @Override
  public int read(String path, ByteBuffer dst, long offset, FileInfo fi) {
    return guard("read", path, () -> union.read(handles.get(fi.fh()).unionHandle(), dst, offset));
  }

  @Override
  public int write(String path, ByteBuffer src, long offset, FileInfo fi) {
    return guard("write", path, () -> union.write(handles.get(fi.fh()).unionHandle(), src, offset));
  }

  @Override
  public int statfs(String path, StatFsSink out) {
    return guard("statfs", path, () -> {
      out.set(union.statfs(path == null ? "/" : path), NAME_MAX);
      return 0;
    });
  }

  @Override
  public int flush(String path, FileInfo fi) {
    return guard("flush", path, () -> {
      union.flush(handles.get(fi.fh()).unionHandle());
      return 0;
    });
  }

  @Override
  public int release(String path, FileInfo fi) {
    return guard("release", path, () -> {
      union.release(handles.remove(fi.fh()).unionHandle());
      return 0;
    });
  }

  @Override
  public int fsync(String path, boolean dataOnly, FileInfo fi) {
    return guard("fsync", path, () -> {
      union.fsync(handles.get(fi.fh()).unionHandle(), dataOnly);
      return 0;
    });
  }

  @Override
  public int setxattr(String path, String name, ByteBuffer value, int flags) {
    return guard("setxattr", path, () -> {
      byte[] v = new byte[value.remaining()];
      value.get(v);
      union.setxattr(path, name, v, flags);
      forgetOtherNames(linked(path), path);
      return 0;
    });
  }

  @Override
  public int getxattr(String path, String name, ByteBuffer dst) {
    return guard("getxattr", path, () -> {
      byte[] v = union.getxattrIfPresent(path, name);
      return v == null ? Errno.ENODATA.negative() : copyOut(path, v, dst);
    });
  }

  @Override
  public int listxattr(String path, ByteBuffer dst) {
    return guard("listxattr", path, () -> {
      List<String> names = union.listxattr(path);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (String n : names) {
        out.writeBytes(n.getBytes(StandardCharsets.UTF_8));
        out.write(0);
      }
      return copyOut(path, out.toByteArray(), dst);
    });
  }

  /** The xattr size protocol: a 0-byte buffer asks for the size; a short one is ERANGE. */
  private static int copyOut(String path, byte[] value, ByteBuffer dst) throws FuseErrnoException {
    if (dst.capacity() == 0) {
      return value.length;
    }
    if (value.length > dst.remaining()) {
      throw new FuseErrnoException(Errno.ERANGE, path,
          "xattr of " + value.length + " bytes, buffer of " + dst.remaining());
    }
    dst.put(value);
    return value.length;
  }

  @Override
  public int removexattr(String path, String name) {
    return guard("removexattr", path, () -> {
      union.removexattr(path, name);
      forgetOtherNames(linked(path), path);
      return 0;
    });
  }

  @Override
  public int opendir(String path, FileInfo fi) {
    return guard("opendir", path, () -> {
      long h = union.opendir(path);
      fi.fh(handles.add(new FileHandles.OpenFile(h, true, path, fi.flags())));
      return 0;
    });
  }

  @Override
  public int readdir(String path, DirFiller filler, long offset, FileInfo fi) {
    return guard("readdir", path, () -> {
      FileHandles.OpenFile dir = handles.get(fi.fh());
      union.readdir(dir.unionHandle(), offset, (entry, next) -> filler.add(entry.name(),
          entry.ino() != 0 ? entry.ino() : dotIno(dir.path(), entry.name()), entry.type(), next));
      return 0;
    });
  }

  /**
   * The inode number of an entry the union listed without one: glibc's readdir skips entries whose
   * d_ino is 0, so "." and ".." get their directory's number and anything else a non-zero one.
   */
  private long dotIno(String dirPath, String name) {
    String target = dirPath;
    if (name.equals("..")) {
      int slash = dirPath.lastIndexOf('/');
      target = slash <= 0 ? "/" : dirPath.substring(0, slash);
    } else if (!name.equals(".")) {
      return 1;
    }
    try {
      return union.getattr(target).ino();
    } catch (java.io.IOException | RuntimeException e) {
      return 1;
    }
  }

  @Override
  public int releasedir(String path, FileInfo fi) {
    return guard("releasedir", path, () -> {
      union.releasedir(handles.remove(fi.fh()).unionHandle());
      return 0;
    });
  }

  @Override
  public int access(String path, int mask) {
    return guard("access", path, () -> {
      CallerContext.Caller c = callers.caller();
      union.access(path, mask, new Caller(c.uid(), c.gid()));
      return 0;
    });
  }

  @Override
  public void destroyed() {
    for (FileHandles.OpenFile f : handles.drain()) {
      guard("release-at-unmount", f.path(), () -> {
        if (f.directory()) {
          union.releasedir(f.unionHandle());
        } else {
          union.release(f.unionHandle());
        }
        return 0;
      });
    }
  }
}
