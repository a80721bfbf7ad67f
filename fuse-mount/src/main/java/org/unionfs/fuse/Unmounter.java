package org.unionfs.fuse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/** Unmounts a FUSE mount point: {@code fusermount -u} (works unprivileged), else umount2 as root. */
final class Unmounter {
  private static final Logger LOG = LoggerFactory.getLogger(Unmounter.class);

  private Unmounter() {}

  static void unmount(Path mnt) throws IOException {
    if (fusermount(mnt, false)) {
      return;
    }
    try {
      Posix.get().umount2(mnt, 0);
      return;
    } catch (PosixException e) {
      if (e.errno() == 22 /* EINVAL: not mounted any more */) {
        return;
      }
      if (e.errno() != 16 /* EBUSY */ && fusermount(mnt, true)) {
        return;
      }
      LOG.warn("{} is busy (open files): detaching it lazily", mnt);
      try {
        Posix.get().umount2(mnt, Posix.MNT_DETACH);
      } catch (PosixException e2) {
        if (!fusermount(mnt, true)) {
          throw new IOException("cannot unmount " + mnt + ": " + e2.getMessage(), e2);
        }
      }
    }
  }

  /** Runs fusermount -u [-z]; false if it is missing or failed. */
  private static boolean fusermount(Path mnt, boolean lazy) {
    ProcessBuilder pb = lazy
        ? new ProcessBuilder("fusermount", "-u", "-z", mnt.toString())
        : new ProcessBuilder("fusermount", "-u", mnt.toString());
    pb.redirectErrorStream(true);
    try {
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      if (p.exitValue() != 0) {
        LOG.debug("fusermount -u {}: {}", mnt, new String(out).trim());
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
