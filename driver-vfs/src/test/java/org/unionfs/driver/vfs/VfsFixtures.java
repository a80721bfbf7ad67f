package org.unionfs.driver.vfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.fs.TreeSnapshot;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;

/** Shared helpers for the vfs tests. */
final class VfsFixtures {
  private VfsFixtures() {}

  static GraphDriver open(Path home) throws IOException {
    return new VfsDriverProvider().open(DriverContext.of(home));
  }

  static GraphDriver open(Path home, Map<String, String> options) throws IOException {
    return new VfsDriverProvider().open(new DriverContext(home, options));
  }

  /** Every kind of entry a layer holds; device nodes and foreign owners only as root. */
  static void fill(Path root) throws IOException {
    Posix posix = Posix.get();
    Path sub = Files.createDirectories(root.resolve("a subdir/deep"));
    Path file = Files.writeString(root.resolve("a file"), "Some data");
    Files.writeString(sub.resolve("leaf"), "leaf");
    Files.createLink(root.resolve("hardlink"), file);
    Files.createSymbolicLink(root.resolve("symlink"), Path.of("/etc/shadow"));
    posix.setXattr(file, "user.note", "n".getBytes(StandardCharsets.UTF_8));
    if (LoopFilesystem.isRoot()) {
      posix.setXattr(file, "trusted.t", "t".getBytes(StandardCharsets.UTF_8));
      posix.mknod(root.resolve("null"), FileStat.S_IFCHR | 0666, FileStat.makedev(1, 3));
      posix.mknod(root.resolve("fifo"), FileStat.S_IFIFO | 0600, 0);
      posix.lchown(root.resolve("a subdir"), 1, 2);
      posix.setXattr(root.resolve("a file"), "security.capability", new byte[] {
          0, 0, 0, 2, 0, 0x20, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    }
    Files.setPosixFilePermissions(root.resolve("a subdir"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwx---r-x"));
    posix.setTimes(sub.resolve("leaf"), 1_500_000_000L, 1, 1_500_000_000L, 123_456_789);
    posix.setTimes(sub, 1_500_000_001L, 2, 1_500_000_001L, 987_654_321);
    posix.setTimes(root.resolve("a subdir"), 1_500_000_002L, 3, 1_500_000_002L, 555);
  }

  static TreeSnapshot snapshot(Path p) throws IOException {
    return TreeSnapshot.of(p).withoutAtimes();
  }

  /**
   * Everything under a home except atimes and the mtime of the scratch directory tmp/ (a failed create
   * builds there and cleans up, which moves its mtime), to show that a call changed nothing.
   */
  static TreeSnapshot homeState(Path home) throws IOException {
    Map<String, TreeSnapshot.Entry> entries = new java.util.TreeMap<>(
        TreeSnapshot.of(home).withoutAtimes().entries());
    TreeSnapshot.Entry tmp = entries.get("tmp");
    if (tmp != null) {
      entries.put("tmp", new TreeSnapshot.Entry(tmp.mode(), tmp.uid(), tmp.gid(), tmp.rdev(), tmp.size(),
          tmp.linkTarget(), tmp.sha256(), tmp.xattrs(), tmp.hardlinkOf(), 0, 0));
    }
    return new TreeSnapshot(entries);
  }

  static void writeBytes(Path file, long bytes) throws IOException {
    byte[] chunk = new byte[1 << 20];
    new java.util.Random(42).nextBytes(chunk);
    try (var out = Files.newOutputStream(file)) {
      for (long done = 0; done < bytes; done += chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
      }
      out.flush();
    }
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true); // push delayed allocation so that a quota is charged now
    }
  }
}
