package org.unionfs.fuse.binding;

import java.io.IOException;

/**
 * A native FUSE library behind one method, so that the library can change (jnr-fuse over libfuse2 today,
 * jfuse over libfuse3 on JDK 22+ later) without touching the filesystem or the mount lifecycle.
 */
public interface FuseBinding {

  /** A short name for messages ("jnr-fuse/libfuse2"). */
  String name();

  /**
   * Checks that the native library can be loaded, without mounting anything.
   *
   * @throws IOException naming what is missing (e.g. libfuse.so.2)
   */
  void requireAvailable() throws IOException;

  /**
   * Starts serving {@code fs} at the request's mount point on a thread of the binding and returns at
   * once; {@link FuseSession#initialized()} completes when the kernel handshake is done and
   * {@link FuseSession#exited()} when the loop has returned.
   *
   * @throws IOException if the native library cannot be used
   */
  FuseSession start(FuseFileSystem fs, MountRequest request) throws IOException;
}
