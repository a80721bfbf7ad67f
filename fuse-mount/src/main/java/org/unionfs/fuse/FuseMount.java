package org.unionfs.fuse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.posix.Posix;
import org.unionfs.fuse.binding.FuseBinding;
import org.unionfs.fuse.binding.FuseFileSystem;
import org.unionfs.fuse.binding.FuseSession;
import org.unionfs.fuse.binding.MountRequest;

/**
 * A live FUSE mount and its lifecycle, in one place: checks, start, readiness, unmount.
 *
 * <p>{@link #mount} returns only when the mount is live (the kernel handshake is done, the mount point
 * shows up in the mount table as a FUSE mount, and a {@code stat} through it is answered) or throws a
 * {@link FuseMountException} with one line. {@link #close()} unmounts and waits for the loop; it is
 * idempotent, and it also runs from a JVM shutdown hook, so SIGTERM and SIGINT unmount cleanly. A process
 * killed with SIGKILL leaves a dead mount ("Transport endpoint is not connected") that
 * {@code fusermount -u} clears (or pass {@code -o auto_unmount}, which makes libfuse's helper do it).
 */
public final class FuseMount implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FuseMount.class);
  /** How long close() waits for the loop to return after the unmount. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

  private final Path mountPoint;
  private final FuseSession session;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;
  private final Runnable afterExit;
  /**
   * Completes after the loop has returned AND {@link #afterExit} has run. Waiters use this one, not the
   * session's future: a dependent action of that future may still be running when its other waiters
   * wake, so waiting on it let close() return before the union had released its branch.
   */
  private final CompletableFuture<Integer> finished;

  private FuseMount(Path mountPoint, FuseSession session, Runnable afterExit) {
    this.mountPoint = mountPoint;
    this.session = session;
    this.afterExit = afterExit;
    this.finished = session.exited().whenComplete((rc, t) -> runAfterExit());
    this.shutdownHook = new Thread(this::closeQuietly, "unmount " + mountPoint);
  }

  /**
   * Mounts {@code fs} as {@code request} describes and waits until it is live.
   *
   * @param afterExit run once after the loop has returned (closes the union); may be a no-op
   * @param timeout how long to wait for the kernel handshake
   * @throws FuseMountException naming what is wrong: no /dev/fuse, the mount point (missing, busy, not
   *     empty), the native library, or libfuse's failure
   */
  public static FuseMount mount(FuseBinding binding, FuseFileSystem fs, MountRequest request,
      boolean nonEmpty, Runnable afterExit, Duration timeout) throws FuseMountException {
    Path mnt = request.mountPoint();
    MountPreflight.requireDevFuse();
    MountPreflight.requireMountPoint(mnt, nonEmpty);
    FuseSession session;
    try {
      binding.requireAvailable();
      session = binding.start(fs, request);
    } catch (IOException e) {
      throw new FuseMountException(e.getMessage(), e);
    }
    FuseMount m = new FuseMount(mnt, session, afterExit);
    try {
      m.awaitLive(timeout);
    } catch (FuseMountException e) {
      m.closeQuietly();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(m.shutdownHook);
    return m;
  }

  private void awaitLive(Duration timeout) throws FuseMountException {
    CompletableFuture<Object> first = CompletableFuture.anyOf(session.initialized(), session.exited());
    try {
      first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new FuseMountException("mount at " + mountPoint + " not live after " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FuseMountException("interrupted while mounting " + mountPoint);
    } catch (ExecutionException e) {
      // the loop ended before INIT; report its code below
    }
    if (session.exited().isDone()) {
      throw new FuseMountException("mount at " + mountPoint + " failed: " + exitDescription());
    }
    try {
      String type = MountTable.typeAt(mountPoint).orElse("");
      if (!type.startsWith("fuse")) {
        throw new FuseMountException("mount at " + mountPoint + " failed: not in the mount table");
      }
      Posix.get().lstat(mountPoint); // answered by our getattr("/"): requests are served
    } catch (FuseMountException e) {
      throw e;
    } catch (IOException e) {
      throw new FuseMountException("mount at " + mountPoint + " does not answer: " + e.getMessage(), e);
    }
  }

  private String exitDescription() {
    try {
      return "libfuse returned " + session.exited().getNow(-1) + " (its message is above)";
    } catch (RuntimeException e) {
      return String.valueOf(e.getCause());
    }
  }

  private void runAfterExit() {
    try {
      afterExit.run();
    } catch (RuntimeException e) {
      LOG.warn("after unmount of {}: {}", mountPoint, e.toString());
    }
  }

  /** The directory the filesystem is mounted on. */
  public Path mountPoint() {
    return mountPoint;
  }

  /** Whether the FUSE loop is still running. */
  public boolean isLive() {
    return !session.exited().isDone();
  }

  /**
   * Blocks until the loop returns (someone unmounted) and the filesystem behind it is closed; gives
   * libfuse's return code.
   */
  public int awaitExit() throws InterruptedException {
    try {
      return finished.get();
    } catch (ExecutionException e) {
      LOG.error("FUSE loop of {} failed: {}", mountPoint, e.getCause().toString());
      return -1;
    }
  }

  /**
   * Unmounts (a busy mount is detached lazily: it disappears from the namespace and the loop ends when
   * the last open file is closed) and waits up to 30 s for the loop to return. Idempotent.
   */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // shutting down already (we may be the hook), or never registered
    }
    if (isLive()) {
      Unmounter.unmount(mountPoint);
    }
    try {
      finished.get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("FUSE loop of " + mountPoint + " still running " + EXIT_WAIT.toSeconds()
          + " s after the unmount (files still open?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("FUSE loop of {} ended with {}", mountPoint, e.getCause().toString());
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("unmount {}: {}", mountPoint, e.getMessage());
    }
  }
}
