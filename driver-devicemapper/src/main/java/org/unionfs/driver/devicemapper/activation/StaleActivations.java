package org.unionfs.driver.devicemapper.activation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * Clears what a killed activator left: filesystems mounted on its loops, the loops bound to files of
 * its FUSE directory, and its dead FUSE mount (which answers ENOTCONN), in the kernel's teardown order.
 */
final class StaleActivations {
  private static final Logger LOG = LoggerFactory.getLogger(StaleActivations.class);
  private static final int ENOTCONN = 107;

  private StaleActivations() {}

  static void clear(Path dir) throws IOException {
    Optional<String> type = KernelMounts.typeAt(dir);
    if (type.isPresent() && isAlive(dir)) {
      throw new LayerInUseException("device activator " + dir + ": a live " + type.get()
          + " filesystem is mounted there (another process is serving it)");
    }
    for (LoopDevices.Loop loop : LoopDevices.boundUnder(dir)) {
      for (Path mnt : KernelMounts.mountPointsOf(LoopDevices.majorMinor(loop.device()))) {
        LOG.warn("unmounting {} (on {} of a dead activator)", mnt, loop.device());
        try {
          Posix.get().umount2(mnt, 0);
        } catch (PosixException e) {
          Posix.get().umount2(mnt, Posix.MNT_DETACH);
        }
      }
      LOG.warn("detaching {} (bound to {} by a dead activator)", loop.device(), loop.backingFile());
      LoopDevices.detach(loop.device(), loop.backingFile(), Duration.ofSeconds(30));
    }
    if (type.isPresent()) {
      LOG.warn("unmounting the dead FUSE mount {}", dir);
      PoolMount.unmountDir(dir);
    }
    try (Stream<Path> s = Files.list(dir)) {
      Optional<Path> any = s.findAny();
      if (any.isPresent()) {
        throw new LayerInUseException("device activator " + dir + ": the directory holds " + any.get()
            + " (it must stay empty: the pool's FUSE filesystem is mounted on it)");
      }
    }
  }

  /** Whether the filesystem mounted on {@code dir} answers (a dead FUSE mount gives ENOTCONN). */
  private static boolean isAlive(Path dir) throws IOException {
    try {
      Posix.get().statfs(dir);
      return true;
    } catch (PosixException e) {
      if (e.errno() == ENOTCONN) {
        return false;
      }
      throw e;
    }
  }
}
