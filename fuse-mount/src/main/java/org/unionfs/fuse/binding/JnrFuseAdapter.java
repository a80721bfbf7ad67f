package org.unionfs.fuse.binding;

import com.kenai.jffi.MemoryIO;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.StatFs;
import org.unionfs.fuse.Errno;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.LibFuse;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FuseOperations;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * jnr-fuse's callbacks translated to {@link FuseFileSystem}. Only the operations overridden here are
 * registered with libfuse (jnr-fuse skips the {@code @NotImplemented} stubs), so locks, ioctl, poll and
 * bmap keep libfuse's own behaviour (local locks in the kernel) instead of a wrong answer.
 */
final class JnrFuseAdapter extends FuseStubFS {
  private static final Logger LOG = LoggerFactory.getLogger(JnrFuseAdapter.class);
  /** Bits of the flag word after the function pointers of {@code struct fuse_operations}. */
  private static final int FLAG_NULLPATH_OK = 1;
  private static final int FLAG_UTIME_OMIT_OK = 4;
  /** Byte offset of the bitfield word of {@code struct fuse_file_info} (x86-64 and aarch64). */
  private static final int FI_BITS_OFFSET = 20;
  private static final int FI_DIRECT_IO = 1;
  private static final int FI_KEEP_CACHE = 2;

  /** Per thread: a file name, NUL-terminated, for the readdir filler. */
  private static final ThreadLocal<ByteBuffer> NAME_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1024));

  private final FuseFileSystem fs;
  private final CompletableFuture<Void> initialized = new CompletableFuture<>();

  JnrFuseAdapter(FuseFileSystem fs) {
    this.fs = fs;
    setHiddenFlags(fuseOperations);
  }

  LibFuse libFuse() {
    return libFuse;
  }

  FuseOperations operations() {
    return fuseOperations;
  }

  CompletableFuture<Void> initialized() {
    return initialized;
  }

  CallerContext.Caller caller() {
    FuseContext c = getContext();
    return new CallerContext.Caller(
        (int) c.uid.get(), (int) c.gid.get(), (int) c.pid.get(), (int) c.umask.get());
  }

  /** Sets flag_nullpath_ok and flag_utime_omit_ok, which jnr-fuse declares as padding. */
  private static void setHiddenFlags(FuseOperations ops) {
    try {
      Method offset = Class.forName("jnr.ffi.Struct$AbstractMember").getDeclaredMethod("offset");
      offset.setAccessible(true);
      long at = (Long) offset.invoke(ops.flag_nullpath_ok);
      Pointer mem = Struct.getMemory(ops);
      mem.putInt(at, mem.getInt(at) | FLAG_NULLPATH_OK | FLAG_UTIME_OMIT_OK);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot set the fuse_operations flags of jnr-fuse: " + e, e);
    }
  }

  private static int bug(String op, Throwable t) {
    LOG.error("{}: unguarded {} in the FUSE filesystem, answering EIO", op, t.toString(), t);
    return Errno.EIO.negative();
  }

  private static ByteBuffer wrap(Pointer buf, long size) {
    return MemoryIO.getInstance().newDirectByteBuffer(buf.address(), (int) size);
  }

  @Override
  public Pointer init(Pointer conn) {
    try {
      fs.initialized();
    } catch (Throwable t) {
      bug("init", t);
    }
    initialized.complete(null);
    return null;
  }

  @Override
  public void destroy(Pointer initResult) {
    try {
      fs.destroyed();
    } catch (Throwable t) {
      bug("destroy", t);
    }
  }

  @Override
  public int getattr(String path, ru.serce.jnrfuse.struct.FileStat stat) {
    try {
      return fs.getattr(path, st -> fill(stat, st), null);
    } catch (Throwable t) {
      return bug("getattr", t);
    }
  }

  @Override
  public int fgetattr(String path, ru.serce.jnrfuse.struct.FileStat stat, FuseFileInfo fi) {
    try {
      return fs.getattr(path, st -> fill(stat, st), new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("fgetattr", t);
    }
  }

  static void fill(ru.serce.jnrfuse.struct.FileStat out, FileStat st) {
    out.st_ino.set(st.ino());
    out.st_mode.set(st.mode());
    out.st_nlink.set(st.nlink());
    out.st_uid.set(st.uid());
    out.st_gid.set(st.gid());
    out.st_rdev.set(st.rdev());
    out.st_size.set(st.size());
    out.st_blocks.set(st.blocks());
    out.st_blksize.set(4096);
    out.st_atim.tv_sec.set(st.atimeSec());
    out.st_atim.tv_nsec.set(st.atimeNsec());
    out.st_mtim.tv_sec.set(st.mtimeSec());
    out.st_mtim.tv_nsec.set(st.mtimeNsec());
    out.st_ctim.tv_sec.set(st.ctimeSec());
    out.st_ctim.tv_nsec.set(st.ctimeNsec());
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    try {
      return fs.readlink(path, wrap(buf, size));
    } catch (Throwable t) {
      return bug("readlink", t);
    }
  }

  @Override
  public int mknod(String path, long mode, long rdev) {
    try {
      return fs.mknod(path, (int) mode, rdev);
    } catch (Throwable t) {
      return bug("mknod", t);
    }
  }

  @Override
  public int mkdir(String path, long mode) {
    try {
      return fs.mkdir(path, (int) mode);
    } catch (Throwable t) {
      return bug("mkdir", t);
    }
  }

  @Override
  public int unlink(String path) {
    try {
      return fs.unlink(path);
    } catch (Throwable t) {
      return bug("unlink", t);
    }
  }

  @Override
  public int rmdir(String path) {
    try {
      return fs.rmdir(path);
    } catch (Throwable t) {
      return bug("rmdir", t);
    }
  }

  @Override
  public int symlink(String target, String path) {
    try {
      return fs.symlink(target, path);
    } catch (Throwable t) {
      return bug("symlink", t);
    }
  }

  @Override
  public int rename(String from, String to) {
    try {
      return fs.rename(from, to, 0);
    } catch (Throwable t) {
      return bug("rename", t);
    }
  }

  @Override
  public int link(String from, String to) {
    try {
      return fs.link(from, to);
    } catch (Throwable t) {
      return bug("link", t);
    }
  }

  @Override
  public int chmod(String path, long mode) {
    try {
      return fs.chmod(path, (int) mode);
    } catch (Throwable t) {
      return bug("chmod", t);
    }
  }

  @Override
  public int chown(String path, long uid, long gid) {
    try {
      // uid_t -1 arrives as 4294967295
      return fs.chown(path, (int) uid, (int) gid);
    } catch (Throwable t) {
      return bug("chown", t);
    }
  }

  @Override
  public int truncate(String path, long size) {
    try {
      return fs.truncate(path, size, null);
    } catch (Throwable t) {
      return bug("truncate", t);
    }
  }

  @Override
  public int ftruncate(String path, long size, FuseFileInfo fi) {
    try {
      return fs.truncate(path, size, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("ftruncate", t);
    }
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    try {
      return fs.utimens(path, time(timespec[0]), time(timespec[1]));
    } catch (Throwable t) {
      return bug("utimens", t);
    }
  }

  private static TimeSpec time(Timespec t) {
    return new TimeSpec(t.tv_sec.get(), t.tv_nsec.longValue());
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    try {
      return fs.open(path, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("open", t);
    }
  }

  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    try {
      return fs.create(path, (int) mode, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("create", t);
    }
  }

  @Override
  public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    try {
      return fs.read(path, wrap(buf, size), offset, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("read", t);
    }
  }

  @Override
  public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    try {
      return fs.write(path, wrap(buf, size), offset, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("write", t);
    }
  }

  @Override
  public int statfs(String path, Statvfs stbuf) {
    try {
      return fs.statfs(path, (StatFs s, long nameMax) -> {
        stbuf.f_bsize.set(s.blockSize());
        stbuf.f_frsize.set(s.blockSize());
        stbuf.f_blocks.set(s.blocks());
        stbuf.f_bfree.set(s.blocksFree());
        stbuf.f_bavail.set(s.blocksAvailable());
        stbuf.f_files.set(s.files());
        stbuf.f_ffree.set(s.filesFree());
        stbuf.f_favail.set(s.filesFree());
        stbuf.f_namemax.set(nameMax);
      });
    } catch (Throwable t) {
      return bug("statfs", t);
    }
  }

  @Override
  public int flush(String path, FuseFileInfo fi) {
    try {
      return fs.flush(path, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("flush", t);
    }
  }

  @Override
  public int release(String path, FuseFileInfo fi) {
    try {
      return fs.release(path, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("release", t);
    }
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    try {
      return fs.fsync(path, isdatasync != 0, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("fsync", t);
    }
  }

  @Override
  public int setxattr(String path, String name, Pointer value, long size, int flags) {
    try {
      ByteBuffer v = size == 0 ? ByteBuffer.allocate(0) : wrap(value, size);
      return fs.setxattr(path, name, v, flags);
    } catch (Throwable t) {
      return bug("setxattr", t);
    }
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    try {
      ByteBuffer dst = size == 0 || value == null ? ByteBuffer.allocate(0) : wrap(value, size);
      return fs.getxattr(path, name, dst);
    } catch (Throwable t) {
      return bug("getxattr", t);
    }
  }

  @Override
  public int listxattr(String path, Pointer list, long size) {
    try {
      ByteBuffer dst = size == 0 || list == null ? ByteBuffer.allocate(0) : wrap(list, size);
      return fs.listxattr(path, dst);
    } catch (Throwable t) {
      return bug("listxattr", t);
    }
  }

  @Override
  public int removexattr(String path, String name) {
    try {
      return fs.removexattr(path, name);
    } catch (Throwable t) {
      return bug("removexattr", t);
    }
  }

  @Override
  public int opendir(String path, FuseFileInfo fi) {
    try {
      return fs.opendir(path, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("opendir", t);
    }
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
    try {
      ru.serce.jnrfuse.struct.FileStat st = new ru.serce.jnrfuse.struct.FileStat(Runtime.getSystemRuntime());
      Pointer stMem = Struct.getMemory(st);
      ByteBuffer cname = NAME_BUFFER.get();
      return fs.readdir(path, (name, ino, mode, next) -> {
        // a direct buffer goes to native code by address; a heap one is copied there and back per entry
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length >= cname.capacity()) {
          return true; // longer than any name a directory can hold (NAME_MAX): nothing to list
        }
        cname.clear();
        cname.put(utf8).put((byte) 0).flip();
        st.st_ino.set(ino);
        st.st_mode.set(mode);
        return filter.apply(buf, cname, stMem, next) == 0;
      }, offset, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("readdir", t);
    }
  }

  @Override
  public int releasedir(String path, FuseFileInfo fi) {
    try {
      return fs.releasedir(path, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("releasedir", t);
    }
  }

  @Override
  public int fsyncdir(String path, FuseFileInfo fi) {
    try {
      return fs.fsyncdir(path, false, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("fsyncdir", t);
    }
  }

  @Override
  public int access(String path, int mask) {
    try {
      return fs.access(path, mask);
    } catch (Throwable t) {
      return bug("access", t);
    }
  }

  @Override
  public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
    try {
      return fs.fallocate(path, mode, off, length, new JnrFileInfo(fi));
    } catch (Throwable t) {
      return bug("fallocate", t);
    }
  }

  /** {@link FileInfo} over jnr-fuse's struct, with the bitfield jnr-fuse declares as padding. */
  private record JnrFileInfo(FuseFileInfo fi) implements FileInfo {
    @Override
    public int flags() {
      return fi.flags.get();
    }

    @Override
    public long fh() {
      return fi.fh.get();
    }

    @Override
    public void fh(long handle) {
      fi.fh.set(handle);
    }

    @Override
    public void keepCache(boolean keep) {
      setBit(FI_KEEP_CACHE, keep);
    }

    @Override
    public void directIo(boolean direct) {
      setBit(FI_DIRECT_IO, direct);
    }

    private void setBit(int bit, boolean on) {
      Pointer m = Struct.getMemory(fi);
      int word = m.getInt(FI_BITS_OFFSET);
      m.putInt(FI_BITS_OFFSET, on ? word | bit : word & ~bit);
    }
  }
}
