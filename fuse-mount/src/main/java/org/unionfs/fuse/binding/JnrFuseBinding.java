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
 * blind 2 s wait); it sets the {@code flag_nullpath_ok} and {@code flag_utime_omit_ok} bits jnr-fuse
 * hides, so that open-but-unlinked files work with {@code hard_remove} and {@code touch -m} reaches
 * {@code utimens}; and it puts a last-resort guard around every callback (jnr-fuse swallows exceptions and
 * usually reports success).
 */
public final class JnrFuseBinding implements FuseBinding {

  @Override
  public String name() {
    return "jnr-fuse/libfuse2";
  }

  @Override
  public void requireAvailable() throws IOException {
    newAdapter(new FuseFileSystem() {});
  }

  @Override
  public FuseSession start(FuseFileSystem fs, MountRequest request) throws IOException {
    JnrFuseAdapter adapter = newAdapter(fs);
    fs.attach(adapter::caller);
    CompletableFuture<Integer> exited = new CompletableFuture<>();
    List<String> argv = request.argv();
    Thread loop = new Thread(() -> {
      try {
        String[] args = argv.toArray(String[]::new);
        int rc = adapter.libFuse().fuse_main_real(
            args.length, args, adapter.operations(), Struct.size(adapter.operations()), null);
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

  private static JnrFuseAdapter newAdapter(FuseFileSystem fs) throws IOException {
    try {
      return new JnrFuseAdapter(fs);
    } catch (LinkageError | RuntimeException e) {
      throw new IOException("cannot load libfuse2 (libfuse.so.2; Debian package libfuse2): " + e.getMessage(), e);
    }
  }
}
