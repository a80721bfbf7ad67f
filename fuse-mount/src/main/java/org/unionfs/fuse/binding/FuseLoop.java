package org.unionfs.fuse.binding;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;

/**
 * libfuse2's request loop, run on a fixed pool of Java threads instead of {@code fuse_loop_mt}.
 *
 * <p>Why: {@code fuse_loop_mt} starts a native thread whenever no worker is idle and ends one whenever
 * more than ten are, so every burst of kernel requests (an untar keeps a dozen asynchronous releases
 * and writes in flight) creates and destroys threads. Each new native thread that calls into Java is
 * attached to the JVM (a {@code java.lang.Thread}, fresh thread-locals) and detached when it ends:
 * measured, 8,000 thread starts during one untar of 15,000 entries, several times the cost of the
 * requests themselves. Here the same libfuse calls {@code fuse_loop_mt} makes ({@code
 * fuse_session_receive_buf}, {@code fuse_session_process_buf}) run on threads that live as long as the
 * mount, so a callback never pays for an attach. Set-up and tear-down are libfuse's own ({@code
 * fuse_setup}: option parsing, mount, signal handlers; {@code fuse_teardown}: unmount, the {@code
 * destroy} callback), as in {@code fuse_main_real}.
 */
final class FuseLoop {
  /** The libfuse2 functions {@code fuse_main_real} is built from (all exported by libfuse.so.2). */
  public interface Lib {
    Pointer fuse_setup(int argc, Pointer argv, Pointer op, @size_t long opSize, PointerByReference mountpoint,
        IntByReference multithreaded, Pointer userData);

    void fuse_teardown(Pointer fuse, Pointer mountpoint);

    Pointer fuse_get_session(Pointer fuse);

    Pointer fuse_session_next_chan(Pointer se, Pointer ch);

    @size_t long fuse_chan_bufsize(Pointer ch);

    int fuse_session_receive_buf(Pointer se, Pointer buf, Pointer chp);

    void fuse_session_process_buf(Pointer se, Pointer buf, Pointer ch);

    int fuse_session_exited(Pointer se);

    void fuse_session_exit(Pointer se);

    int fuse_lowlevel_notify_inval_inode(Pointer ch, long ino, long off, long len);
  }

  /** {@code name_to_handle_at(2)}: a FUSE file handle holds the kernel's node id of the name. */
  public interface LibC {
    int name_to_handle_at(int dirfd, String path, Pointer handle, IntByReference mountId, int flags);

    int openat(int dirfd, String path, int flags, int mode);

    int close(int fd);
  }

  private static final int EINTR = 4;
  /** {@code struct fuse_buf}: size_t size @0, enum flags @8, void *mem @16, int fd @24, off_t pos @32. */
  private static final int FUSE_BUF_SIZE = 40;

  private static final int AT_FDCWD = -100;
  private static final int HANDLE_BYTES = 128;
  /** The longest path handed to one system call while walking down (below PATH_MAX, 4096). */
  private static final int MAX_PATH_PIECE = 3000;
  private static final int O_PATH_DIR = 010000000 | 0200000 | 02000000; // O_PATH|O_DIRECTORY|O_CLOEXEC
  /** How long a request waits for an invalidation before it lets it finish in the background. */
  private static final long INVALIDATE_WAIT_MS = 200;

  private final Lib lib;
  private final LibC libc;
  private final Runtime runtime;
  /** The argument vector in native memory, kept for the life of the loop (libfuse may keep pointers). */
  private final List<Pointer> keep = new ArrayList<>();

  FuseLoop() {
    lib = LibraryLoader.create(Lib.class).failImmediately().load("fuse");
    libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
    runtime = Runtime.getRuntime(lib);
  }

  /**
   * Mounts and serves until the file system is unmounted; the exit code of {@code fuse_main}.
   *
   * @param argv libfuse's arguments ({@code -f} must be among them: the JVM cannot fork)
   * @param ops the {@code struct fuse_operations} to serve
   * @param opsSize its size
   * @param threads the worker count; {@code -s} in {@code argv} makes it one
   */
  int run(List<String> argv, Pointer ops, long opsSize, int threads, String mountPoint,
      java.util.function.Consumer<KernelCache> onSetUp) throws InterruptedException {
    Pointer args = Memory.allocateDirect(runtime, (argv.size() + 1) * (long) runtime.addressSize());
    keep.add(args);
    for (int i = 0; i < argv.size(); i++) {
      byte[] s = argv.get(i).getBytes(StandardCharsets.UTF_8);
      Pointer p = Memory.allocateDirect(runtime, s.length + 1);
      p.put(0, s, 0, s.length);
      p.putByte(s.length, (byte) 0);
      keep.add(p);
      args.putAddress((long) i * runtime.addressSize(), p.address());
    }
    args.putAddress((long) argv.size() * runtime.addressSize(), 0L);
    PointerByReference mountpoint = new PointerByReference();
    IntByReference multithreaded = new IntByReference();
    Pointer fuse = lib.fuse_setup(argv.size(), args, ops, opsSize, mountpoint, multithreaded, null);
    if (fuse == null) {
      return 1; // libfuse printed why (bad option, mount refused)
    }
    int workers = multithreaded.intValue() == 0 ? 1 : Math.max(1, threads);
    Pointer se = lib.fuse_get_session(fuse);
    Pointer ch = lib.fuse_session_next_chan(se, null);
    long bufSize = lib.fuse_chan_bufsize(ch);
    java.util.concurrent.ExecutorService invalidations = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuse-invalidate " + mountPoint);
      t.setDaemon(true);
      return t;
    });
    onSetUp.accept(path -> invalidate(invalidations, ch, mountPoint, path));
    int[] failures = new int[1];
    List<Thread> pool = new ArrayList<>();
    for (int i = 1; i < workers; i++) {
      Thread t = new Thread(() -> serve(se, ch, bufSize, failures), Thread.currentThread().getName() + " #" + i);
      t.setDaemon(true);
      t.start();
      pool.add(t);
    }
    serve(se, ch, bufSize, failures);
    for (Thread t : pool) {
      t.join();
    }
    invalidations.shutdownNow();
    lib.fuse_teardown(fuse, mountpoint.getValue());
    synchronized (failures) {
      return failures[0] == 0 ? 0 : 1;
    }
  }

  /**
   * Drops the kernel's attributes of the inode at {@code path}: its node id from {@code name_to_handle_at}
   * on the mount, then a FUSE_NOTIFY_INVAL_INODE (offset -1: attributes only, the page cache stays). Done
   * on a thread of its own: the path walk may look a name up, which waits for a directory lock that the
   * request being served may hold; after a short wait the request goes on and the walk finishes later.
   */
  private void invalidate(java.util.concurrent.ExecutorService on, Pointer ch, String mountPoint, String path) {
    try {
      java.util.concurrent.Future<?> done = on.submit(() -> {
        Pointer handle = Memory.allocateDirect(runtime, 8 + HANDLE_BYTES);
        handle.putInt(0, HANDLE_BYTES);
        String full = path.equals("/") ? mountPoint : mountPoint + path;
        List<Integer> opened = new ArrayList<>();
        try {
          // a path past PATH_MAX is walked openat-style, a directory piece at a time
          int dir = AT_FDCWD;
          String rest = full;
          while (rest.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_PIECE) {
            int cut = rest.lastIndexOf('/', MAX_PATH_PIECE / 3);
            if (cut <= 0) {
              return;
            }
            dir = libc.openat(dir, rest.substring(0, cut), O_PATH_DIR, 0);
            if (dir < 0) {
              return;
            }
            opened.add(dir);
            rest = rest.substring(cut + 1);
          }
          // flags 0: a symlink is not followed (name_to_handle_at follows only with AT_SYMLINK_FOLLOW)
          if (libc.name_to_handle_at(dir, rest, handle, new IntByReference(), 0) == 0
              && handle.getInt(0) >= 8) {
            // struct fuse_fh: node id high and low 32 bits, then the generation
            long node = (handle.getInt(8) & 0xffffffffL) << 32 | handle.getInt(12) & 0xffffffffL;
            lib.fuse_lowlevel_notify_inval_inode(ch, node, -1, 0);
          }
        } finally {
          opened.forEach(libc::close);
        }
      });
      done.get(INVALIDATE_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.RejectedExecutionException e) {
      // finishes (or, at unmount, is dropped) in the background
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // a name that vanished meanwhile: nothing is cached for it
    }
  }

  /** One worker: what {@code fuse_do_work} of libfuse 2.9 does, without starting or ending threads. */
  private void serve(Pointer se, Pointer ch, long bufSize, int[] failures) {
    Pointer mem = Memory.allocateDirect(runtime, bufSize);
    Pointer buf = Memory.allocateDirect(runtime, FUSE_BUF_SIZE);
    Pointer chp = Memory.allocateDirect(runtime, runtime.addressSize());
    while (lib.fuse_session_exited(se) == 0) {
      buf.putLong(0, bufSize);
      buf.putInt(8, 0);
      buf.putAddress(16, mem.address());
      buf.putInt(24, 0);
      buf.putLong(32, 0);
      chp.putAddress(0, ch.address());
      int res = lib.fuse_session_receive_buf(se, buf, chp);
      if (res == -EINTR) {
        continue;
      }
      if (res <= 0) {
        if (res < 0) {
          synchronized (failures) {
            failures[0]++;
          }
          lib.fuse_session_exit(se);
        }
        return; // unmounted (the kernel answers ENODEV, which libfuse turns into 0 and exit)
      }
      lib.fuse_session_process_buf(se, buf, chp.getPointer(0));
    }
  }
}
