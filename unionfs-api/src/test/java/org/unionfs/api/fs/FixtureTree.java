package org.unionfs.api.fs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/** Builds a tree holding every kind of entry and metadata a layer copy must keep. Needs root. */
final class FixtureTree {
  private FixtureTree() {}

  static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Fills the (existing, empty) directory {@code root}. */
  static void build(Path root) throws IOException {
    Posix posix = Posix.get();
    FsNative nat = FsNative.get();
    Path sub = Files.createDirectories(root.resolve("a subdir/deeper"));
    Files.writeString(sub.resolve("leaf.txt"), "leaf");
    Path file = write(root.resolve("a file"), "Some data");
    Path setuid = write(root.resolve("setuid"), "#!/bin/sh\n");
    Path setgid = write(root.resolve("setgid"), "g");
    Path caps = write(root.resolve("ping"), "binary");
    Path owned = write(root.resolve("owned"), "by 1234:5678");
    Path nonAscii = write(root.resolve("grüße-ж-😀.txt"), "unicode name");
    Path empty = root.resolve("empty");
    Files.createFile(empty);

    Path hl = Files.createDirectory(root.resolve("links"));
    Path hlA = write(hl.resolve("a"), "shared inode");
    Files.createLink(hl.resolve("b"), hlA);
    Files.createLink(root.resolve("a subdir/c-same-inode"), hlA);
    Files.createSymbolicLink(hl.resolve("rel"), Path.of("a"));
    Files.createSymbolicLink(hl.resolve("abs"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(hl.resolve("dangling"), Path.of("../nowhere/at/all"));

    Path dev = Files.createDirectory(root.resolve("dev"));
    posix.mknod(dev.resolve("null"), FileStat.S_IFCHR | 0666, FileStat.makedev(1, 3));
    posix.mknod(dev.resolve("loop99"), FileStat.S_IFBLK | 0660, FileStat.makedev(7, 99));
    posix.mknod(dev.resolve("fifo"), FileStat.S_IFIFO | 0620, 0);
    posix.mknod(dev.resolve("sock"), FileStat.S_IFSOCK | 0755, 0);
    posix.mknod(dev.resolve("whiteout"), FileStat.S_IFCHR, 0); // overlay whiteout 0/0

    Path sticky = Files.createDirectory(root.resolve("tmp"));
    Path readOnly = Files.createDirectory(root.resolve("readonly"));
    write(readOnly.resolve("inside"), "in a 0555 directory");

    // Sparse: 4 KiB of data, 1 MiB hole, 4 KiB of data, then a trailing hole to 8 MiB.
    try (RandomAccessFile raf = new RandomAccessFile(root.resolve("sparse").toFile(), "rw")) {
      raf.write(new byte[4096]);
      raf.seek(4096 + (1 << 20));
      raf.write("tail data".repeat(455).getBytes(StandardCharsets.UTF_8));
      raf.setLength(8 << 20);
    }

    posix.setXattr(file, "user.note", "hello".getBytes(StandardCharsets.UTF_8));
    posix.setXattr(file, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
    posix.setXattr(sub, "user.dir", new byte[] {0, 1, 2, (byte) 0xff});
    posix.setXattr(hl.resolve("abs"), "trusted.on-symlink", "t".getBytes(StandardCharsets.UTF_8));
    posix.setXattr(dev.resolve("fifo"), "trusted.fifo", "f".getBytes(StandardCharsets.UTF_8));
    posix.setXattr(empty, "user.empty-value", new byte[0]);

    posix.lchown(owned, 1234, 5678);
    posix.lchown(root.resolve("a subdir"), 1, 2);
    posix.lchown(hl.resolve("rel"), 42, 43);
    posix.lchown(dev.resolve("null"), 7, 8);
    // security.capability after chown (chown clears it): cap_net_raw+ep, VFS_CAP_REVISION_2
    posix.setXattr(caps, "security.capability", new byte[] {
        0, 0, 0, 2, 0, 0x20, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

    chmod(nat, file, 0222 | 04000);
    chmod(nat, setuid, 04755);
    chmod(nat, setgid, 02711);
    chmod(nat, root.resolve("a subdir"), 0705 | 01000);
    chmod(nat, sticky, 01777);
    chmod(nat, owned, 0640);
    // modes the umask would cut (the copier must not trust open's mode for these)
    Path open = Files.createDirectory(root.resolve("open"));
    chmod(nat, write(open.resolve("rw-for-all"), "666"), 0666);
    chmod(nat, write(open.resolve("rwx-for-all"), "777"), 0777);
    chmod(nat, open, 02777); // setgid directory: its own copy must keep the bit
    posix.setTimes(open, 1_600_000_500L, 1, 1_600_000_500L, 2);

    // Times last, deepest first, with odd nanoseconds; directories after their children.
    long t = 1_600_000_000L;
    int i = 0;
    for (Path p : new Path[] {sub.resolve("leaf.txt"), file, setuid, setgid, caps, owned, nonAscii, empty,
        hlA, hl.resolve("rel"), hl.resolve("abs"), hl.resolve("dangling"), dev.resolve("null"),
        dev.resolve("loop99"), dev.resolve("fifo"), dev.resolve("sock"), dev.resolve("whiteout"),
        readOnly.resolve("inside"), root.resolve("sparse")}) {
      posix.setTimes(p, t - 86_400 + i, 123_456_789 + i, t + i, 987_654_321 - i);
      i++;
    }
    for (Path d : new Path[] {sub, root.resolve("a subdir"), hl, dev, sticky, readOnly, root}) {
      posix.setTimes(d, t - 3600 + i, 111 + i, t + 100 + i, 999_999_000 + i);
      i++;
    }
    chmod(nat, readOnly, 0555);
    posix.setTimes(readOnly, t, 5, t, 7);
  }

  private static Path write(Path p, String content) throws IOException {
    return Files.writeString(p, content);
  }

  private static void chmod(FsNative nat, Path p, int mode) throws IOException {
    nat.check(nat.libc.chmod(p.toString(), mode), "chmod", p);
  }
}
