package org.unionfs.fuse.binding;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import jnr.ffi.Struct;

/**
 * The binding to libfuse2 through jnr-fuse 0.5.8 (the one FUSE binding that runs on Java 17).
 *
 * <p>What it does beyond jnr-fuse: it calls {@code fuse_main_real} itself on its own thread (jnr-fuse's
 * {@code mount} adds an un-awaited lazy-unmount shutdown hook and, non-blocking, reports success after a
 * blind 2 s wait), serving requests on a fixed pool of threads ({@link FuseLoop}) rather than libfuse's
 * loop, which starts and ends native threads (each attached to the JVM) with every burst of requests; it sets the {@code flag_nullpath_ok} and {@code flag_utime_omit_ok} bits jnr-fuse
 * hides, so that open-but-unlinked files work with {@code hard_remove} and {@code touch -m} reaches
 * {@code utimens}; and it puts a last-resort guard around every callback (jnr-fuse swallows exceptions and
 * usually reports success).
 */
public final class JnrFuseBinding implements FuseBinding {
  /**
   * Threads serving requests (unless single-threaded). They only block in the kernel while idle, so
   * more than the cores costs nothing and keeps one slow request (a big copy-up) from stalling the rest.
   */
  static final int WORKERS = 8;

  @Override
  public String name() {
    return "jnr-fuse/libfuse2";
  }

  @Override
  public void requireAvailable() throws IOException {
    newAdapter(new FuseFileSystem() {});
    newLoop();
  }

  @Override
  public FuseSession start(FuseFileSystem fs, MountRequest request) throws IOException {
    JnrFuseAdapter adapter = newAdapter(fs);
    FuseLoop fuseLoop = newLoop();
    fs.attach(adapter::caller);
    CompletableFuture<Integer> exited = new CompletableFuture<>();
    List<String> argv = request.argv();
    Thread loop = new Thread(() -> {
      try {
        int rc = fuseLoop.run(argv, Struct.getMemory(adapter.operations()),
            Struct.size(adapter.operations()), WORKERS, request.mountPoint().toString(), fs::attach);
        exited.complete(rc);
      } catch (Throwable t) {
        exited.completeExceptionally(t);
      } finally {
        // a loop that failed before INIT never completes the latch: let waiters see the exit
        adapter.initialized().completeExceptionally(new IOException("the FUSE loop ended"));
      }
    }, "fuse-loop " + request.mountPoint());
    loop.setDaemon(false);
    loop.start();
    return new FuseSession() {
      @Override
      public CompletableFuture<Void> initialized() {
        return adapter.initialized();
      }

      @Override
      public CompletableFuture<Integer> exited() {
        return exited;
      }
    };
  }

  private static FuseLoop newLoop() throws IOException {
    try {
      return new FuseLoop();
    } catch (LinkageError | RuntimeException e) {
      throw new IOException("cannot load libfuse2 (libfuse.so.2; Debian package libfuse2): " + e.getMessage(), e);
    }
  }

  private static JnrFuseAdapter newAdapter(FuseFileSystem fs) throws IOException {
    try {
      return new JnrFuseAdapter(fs);
    } catch (LinkageError | RuntimeException e) {
      throw new IOException("cannot load libfuse2 (libfuse.so.2; Debian package libfuse2): " + e.getMessage(), e);
    }
  }
}
