package org.unionfs.driver.devicemapper.activation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.fuse.binding.FuseBinding;
import org.unionfs.fuse.binding.FuseSession;
import org.unionfs.fuse.binding.JnrFuseBinding;
import org.unionfs.fuse.binding.MountRequest;

/**
 * The pool's FUSE mount: made on first use, checked before every {@code losetup}, unmounted last.
 *
 * <p>It drives the binding directly rather than through fuse-mount's {@code FuseMount}, whose JVM
 * shutdown hook detaches the mount lazily at once: with loops still bound that would make every
 * I/O of the filesystems on them fail. The activator's own hook tears down in the kernel's order.
 */
final class PoolMount {
  /**
   * Big requests (libfuse2 caps them at 128 KiB per request; the kernel's loop sends up to that), and
   * no attribute caching: the only lookups are the loop's open and the size check of a resize, which
   * must see the new size.
   */
  static final List<String> OPTIONS = List.of("big_writes", "max_write=131072", "max_read=131072",
      "attr_timeout=0", "entry_timeout=0", "negative_timeout=0", "subtype=unionfs-dm");
  private static final Duration MOUNT_WAIT = Duration.ofSeconds(30);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

  private final Path dir;
  private final DeviceFs fs;
  private FuseSession session;

  PoolMount(Path dir, DeviceFs fs) {
    this.dir = dir;
    this.fs = fs;
  }

  /** Mounts the pool's filesystem unless it is mounted; waits until the kernel handshake is done. */
  synchronized void ensureMounted() throws IOException {
    if (session != null) {
      requireLive();
      return;
    }
    if (!Files.exists(Path.of("/dev/fuse"))) {
      throw new NotSupportedException("mount " + dir + ": no /dev/fuse (FUSE is needed to activate devices)");
    }
    try (Stream<Path> s = Files.list(dir)) {
      if (s.findAny().isPresent()) {
        throw new LayerInUseException("mount " + dir + ": the directory is not empty");
      }
    }
    FuseBinding binding = new JnrFuseBinding();
    binding.requireAvailable();
    FuseSession started = binding.start(fs, new MountRequest(dir, OPTIONS, "unionfs-dm", false, false));
    CompletableFuture<Object> first = CompletableFuture.anyOf(started.initialized(), started.exited());
    try {
      first.get(MOUNT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("mount " + dir + ": FUSE not live after " + MOUNT_WAIT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("mount " + dir + ": interrupted");
    } catch (ExecutionException e) {
      // the loop ended before INIT: reported below
    }
    if (started.exited().isDone()) {
      throw new IOException("mount " + dir + ": libfuse failed (" + describeExit(started) + ")");
    }
    session = started;
    requireLive();
  }

  /** Whether the FUSE filesystem is mounted by this process. */
  synchronized boolean isMounted() {
    return session != null && !session.exited().isDone();
  }

  /**
   * Checks that {@code dir} is a live FUSE mount of this process: the loop is running and mountinfo
   * shows a fuse* filesystem there (a file in a plain directory would be bound to a loop as well).
   */
  synchronized void requireLive() throws IOException {
    if (session == null || session.exited().isDone()) {
      throw new IOException("FUSE filesystem at " + dir + " is not running");
    }
    String type = KernelMounts.typeAt(dir).orElse("");
    if (!type.equals("fuse") && !type.startsWith("fuse.")) {
      throw new IOException("FUSE filesystem at " + dir + " is not in the mount table (found '" + type + "')");
    }
  }

  /** Unmounts (if mounted) and waits for the FUSE loop to return. The caller has released every file. */
  synchronized void unmount() throws IOException {
    if (session == null) {
      return;
    }
    if (!session.exited().isDone()) {
      unmountDir(dir);
    }
    try {
      session.exited().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("FUSE loop of " + dir + " still running " + EXIT_WAIT.toSeconds()
          + " s after the unmount");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("unmount " + dir + ": interrupted");
    } catch (ExecutionException e) {
      // the loop failed; it has returned all the same
    }
    session = null;
  }

  /** {@code fusermount -u}, else umount2, else a lazy detach (a dead mount may refuse the first two). */
  static void unmountDir(Path dir) throws IOException {
    try {
      Commands.run("fusermount", "-u", dir.toString());
      return;
    } catch (IOException e) {
      // not mounted by fusermount, or fusermount missing: the system call below
    }
    try {
      Posix.get().umount2(dir, 0);
    } catch (PosixException e) {
      if (e.errno() == Posix.EINVAL) {
        return; // not a mount point any more
      }
      Posix.get().umount2(dir, Posix.MNT_DETACH);
    }
  }

  private static String describeExit(FuseSession s) {
    try {
      return "return code " + s.exited().getNow(-1);
    } catch (RuntimeException e) {
      return String.valueOf(e.getCause());
    }
  }
}
