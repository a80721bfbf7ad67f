package org.unionfs.fuse.binding;

import java.util.concurrent.CompletableFuture;

/** A running FUSE loop started by a {@link FuseBinding}. */
public interface FuseSession {
  /** Completes when the kernel has sent INIT: requests are being served. */
  CompletableFuture<Void> initialized();

  /**
   * Completes with libfuse's return code when the loop has returned (0 after a clean unmount, non-zero
   * when the mount failed), or exceptionally if the native call threw.
   */
  CompletableFuture<Integer> exited();
}
