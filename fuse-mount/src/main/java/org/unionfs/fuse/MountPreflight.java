package org.unionfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * The checks made before a mount, each failing with one line that says what to do: libfuse would
 * otherwise print its usage text, or fail after the loop started.
 */
final class MountPreflight {
  private static final int ENOTCONN = 107;

  private MountPreflight() {}

  /** /dev/fuse is there and can be opened. */
  static void requireDevFuse() throws FuseMountException {
    Path dev = Path.of("/dev/fuse");
    if (!Files.exists(dev)) {
      throw new FuseMountException("no /dev/fuse: load the fuse module (modprobe fuse) or pass the device"
          + " to the container (--device /dev/fuse)");
    }
    if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
      throw new FuseMountException("/dev/fuse is not readable and writable by this user");
    }
  }

  /**
   * The mount point is an existing directory, not already a mount point (a stale FUSE mount of a
   * killed daemon included), and empty unless {@code nonEmpty}.
   */
  static void requireMountPoint(Path mnt, boolean nonEmpty) throws FuseMountException {
    try {
      // statfs always reaches a FUSE daemon (lstat may be answered from the attribute cache)
      Posix.get().lstat(mnt);
      Posix.get().statfs(mnt);
    } catch (PosixException e) {
      if (e.errno() == ENOTCONN) {
        throw new FuseMountException("mount point " + mnt + " is busy: a dead FUSE mount is still there"
            + " (clear it with: fusermount -u " + mnt + ")");
      }
      throw new FuseMountException("mount point " + mnt + ": " + e.getMessage());
    } catch (IOException e) {
      throw new FuseMountException("mount point " + mnt + " does not exist");
    }
    if (!Files.isDirectory(mnt, LinkOption.NOFOLLOW_LINKS)) {
      throw new FuseMountException("mount point " + mnt + " is not a directory");
    }
    try {
      if (MountTable.typeAt(mnt).isPresent()) {
        throw new FuseMountException("mount point " + mnt + " is busy: already a mount point ("
            + MountTable.typeAt(mnt).get() + ")");
      }
      if (!nonEmpty) {
        try (Stream<Path> s = Files.list(mnt)) {
          if (s.findAny().isPresent()) {
            throw new FuseMountException("mount point " + mnt + " is not empty (add -o nonempty to mount over it)");
          }
        }
      }
    } catch (FuseMountException e) {
      throw e;
    } catch (IOException e) {
      throw new FuseMountException("mount point " + mnt + ": " + e.getMessage(), e);
    }
  }
}
