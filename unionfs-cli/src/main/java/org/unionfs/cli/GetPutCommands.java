package org.unionfs.cli;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerInUseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code get} and {@code put} across processes, counted in {@link Holds}.
 *
 * <p>Rule (see docs/cli.md): a driver without {@link DriverCapability#PROCESS_BOUND_MOUNTS} (vfs, overlay2)
 * leaves what {@code get} assembled in place when the process exits (a kernel mount outlives it; a vfs
 * directory needs nothing), so {@code get} prints the path and exits, and the {@code put} that balances
 * the last {@code get} unmounts the path if it is a mount point. A process-bound driver (FUSE) needs a live
 * process, so the first {@code get} stays in the foreground holding the mount until SIGINT or SIGTERM;
 * later {@code get}s only count, and the last {@code put} sends SIGTERM to that process.
 */
final class GetPutCommands {
  /** How long {@code put} waits for a foreground {@code get} to release its mount and exit. */
  static final Duration HOLDER_EXIT_TIMEOUT = Duration.ofSeconds(60);

  private GetPutCommands() {}

  /** {@code get ID}: prints the layer's root (and holds it in the foreground if the mount needs a process). */
  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Assemble (mount) the layer and print its root path.",
          "For drivers whose mounts live in a process (FUSE), stay in the foreground holding the mount "
              + "until SIGINT/SIGTERM or 'unionfs put ID'."})
  static final class Get implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      LayerIds.require(id);
      GraphDriver driver = parent.openDriver();
      boolean leaveOpen = false; // close() would release every mount, so a held kernel mount skips it
      boolean bound = driver.capabilities().contains(DriverCapability.PROCESS_BOUND_MOUNTS);
      // Catch the signals before the path is printed: a caller may signal as soon as it reads it.
      Signals signals = bound ? Signals.catchInterruptAndTerminate() : null;
      try {
        Holds holds = new Holds(parent.home(), driver.name());
        Path path;
        FileLock lock = holds.lock();
        try {
          Optional<Holds.Hold> held = current(holds, driver, id);
          if (held.isPresent()) {
            // Already assembled by an earlier get (whose mount, if any, is still there): count it.
            holds.write(id, held.get().withCount(held.get().count() + 1));
            print(held.get().path());
            return Main.OK;
          }
          path = driver.get(id, "");
          try {
            ProcessHandle self = ProcessHandle.current();
            boolean mounted = Mounts.isMountPoint(path);
            holds.write(id, bound
                ? new Holds.Hold(1, path, self.pid(), self.info().startInstant().orElse(null), mounted)
                : new Holds.Hold(1, path, 0, null, mounted));
          } catch (IOException | RuntimeException e) {
            driver.put(id);
            throw e;
          }
        } finally {
          Holds.unlock(lock);
        }
        print(path);
        if (!bound) {
          leaveOpen = true;
          return Main.OK;
        }
        signals.await();
        release(holds, driver);
        return Main.OK;
      } finally {
        if (signals != null) {
          signals.close();
        }
        if (!leaveOpen) {
          driver.close();
        }
      }
    }

    private void print(Path path) {
      parent.io().out().println(path);
      parent.io().out().flush();
    }

    /** The foreground holder's release: forget the hold if it is still ours, then put. */
    private void release(Holds holds, GraphDriver driver) throws IOException {
      FileLock lock = holds.lock();
      try {
        Optional<Holds.Hold> held = holds.read(id);
        if (held.isPresent() && held.get().pid() == ProcessHandle.current().pid()) {
          holds.delete(id);
        }
      } finally {
        Holds.unlock(lock);
      }
      driver.put(id);
    }
  }

  /** {@code put ID}: releases one reference taken by {@code unionfs get}. */
  @Command(name = "put", mixinStandardHelpOptions = true,
      description = "Release one reference taken by 'unionfs get ID'; the last one unmounts.")
  static final class Put implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
      LayerIds.require(id);
      try (GraphDriver driver = parent.openDriver()) {
        Holds holds = new Holds(parent.home(), driver.name());
        Holds.Hold last;
        FileLock lock = holds.lock();
        try {
          Optional<Holds.Hold> held = holds.read(id);
          if (held.isEmpty()) {
            throw new InvalidArgumentException("put layer " + id + ": not held by 'unionfs get'"
                + (driver.exists(id) ? "" : " (and no such layer)"));
          }
          if (held.get().count() > 1) {
            holds.write(id, held.get().withCount(held.get().count() - 1));
            return Main.OK;
          }
          last = held.get();
          holds.delete(id); // before signalling: the holder then finds nothing to forget
        } finally {
          Holds.unlock(lock);
        }
        if (last.pid() == 0) {
          if (last.mounted()) {
            Mounts.unmountIfMounted(last.path(), false); // the kernel mount the first get left behind
          }
        } else {
          Optional<ProcessHandle> holder = holder(last);
          if (holder.isPresent()) {
            stop(holder.get(), last);
          } else {
            Mounts.unmountIfMounted(last.path(), true); // the holder died: a dead FUSE mount may remain
          }
        }
      }
      return Main.OK;
    }

    /** Sends SIGTERM to the foreground {@code get} and waits for it to release the mount and exit. */
    private void stop(ProcessHandle holder, Holds.Hold hold) throws IOException {
      holder.destroy();
      try {
        holder.onExit().get(HOLDER_EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new LayerInUseException("put layer " + id + ": 'unionfs get' (pid " + hold.pid() + ") holding "
            + hold.path() + " did not exit within " + HOLDER_EXIT_TIMEOUT.toSeconds() + " s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("put layer " + id + ": interrupted");
      } catch (ExecutionException e) {
        throw new IOException("put layer " + id + ": waiting for pid " + hold.pid() + ": " + e.getCause(), e);
      }
    }
  }

  /**
   * The hold on {@code id} if it is still good; a stale one (its layer gone, its holder process dead, or
   * its kernel mount gone) is dropped, unmounting what a dead holder left.
   */
  static Optional<Holds.Hold> current(Holds holds, GraphDriver driver, String id) throws IOException {
    Optional<Holds.Hold> held = holds.read(id);
    if (held.isEmpty()) {
      return held;
    }
    Holds.Hold h = held.get();
    // Good while the layer exists and, for a process-bound mount, its holder runs; a kernel mount must
    // still be mounted (a driver's crash recovery on open may have detached it).
    boolean live = driver.exists(id)
        && (h.pid() != 0 ? holder(h).isPresent() : !h.mounted() || Mounts.isMountPoint(h.path()));
    if (live) {
      return held;
    }
    holds.delete(id);
    if (h.pid() != 0) {
      Mounts.unmountIfMounted(h.path(), true);
    }
    return Optional.empty();
  }

  /** The process holding {@code hold}'s mount, if it still runs (same pid and same start time). */
  static Optional<ProcessHandle> holder(Holds.Hold hold) {
    return ProcessHandle.of(hold.pid()).filter(ProcessHandle::isAlive).filter(p -> {
      Optional<Instant> started = p.info().startInstant();
      return hold.started() == null || started.isEmpty() || started.get().equals(hold.started());
    });
  }
}
