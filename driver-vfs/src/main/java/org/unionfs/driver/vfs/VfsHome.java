package org.unionfs.driver.vfs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.posix.Posix;

/**
 * The directories of a vfs home: {@code dir/} (Docker's layout), {@code meta/} (parent records) and
 * {@code tmp/} (layers being built or removed, named {@code <kind>-<pid>-<n>} so that a later open can
 * tell an abandoned one from one another live process is still working on).
 */
record VfsHome(Path root) {
  Path dir() {
    return root.resolve("dir");
  }

  Path meta() {
    return root.resolve("meta");
  }

  Path tmp() {
    return root.resolve("tmp");
  }

  Path layer(String id) {
    return dir().resolve(id);
  }

  /** Creates what is missing: the home and dir/ 0710 as moby, meta/ and tmp/ 0700. */
  static VfsHome prepare(Path root) throws IOException {
    Path abs = root.toAbsolutePath().normalize();
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
      throw new InvalidArgumentException("vfs: home " + abs + " exists and is not a directory");
    }
    VfsHome home = new VfsHome(abs);
    if (!Files.isDirectory(abs)) {
      Files.createDirectories(abs);
      home.chmod(abs, 0710);
    }
    home.mkdir(home.dir(), 0710);
    home.mkdir(home.meta(), 0700);
    home.mkdir(home.tmp(), 0700);
    return home;
  }

  private void mkdir(Path p, int mode) throws IOException {
    try {
      Files.createDirectory(p);
      chmod(p, mode);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException("vfs: " + p + " exists and is not a directory");
      }
    }
  }

  /** Sets plain permission bits (no setuid/setgid/sticky), not subject to the umask. */
  void chmod(Path p, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    Files.setPosixFilePermissions(p, perms);
  }

  /** A fresh path in tmp/ for this process; not created. */
  Path newTemp(String kind, String id, long nonce) {
    // The id is not in the name: ids may be 255 bytes long, the name limit.
    return tmp().resolve(kind + "-" + ProcessHandle.current().pid() + "-" + nonce + "-"
        + Integer.toHexString(id.hashCode()));
  }

  /** Deletes every temp entry whose owning process is gone (an interrupted create or remove). */
  void removeAbandonedTemps() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp())) {
      for (Path p : ds) {
        if (!ownerAlive(p.getFileName().toString())) {
          FileTrees.deleteTree(p);
        }
      }
    }
  }

  private static boolean ownerAlive(String name) {
    String[] parts = name.split("-");
    if (parts.length < 2) {
      return false;
    }
    try {
      long pid = Long.parseLong(parts[1]);
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether the home's filesystem clones files ({@code FICLONE}): a host fact, tried once at open on two
   * scratch files in tmp/.
   */
  boolean reflinkWorks() throws IOException {
    Path probe = newTemp("probe", "reflink", System.nanoTime());
    Files.createDirectory(probe);
    try {
      Path a = Files.write(probe.resolve("a"), new byte[4096]);
      Path b = Files.createFile(probe.resolve("b"));
      return Posix.get().cloneFile(a, b);
    } finally {
      FileTrees.deleteTree(probe);
    }
  }
}
