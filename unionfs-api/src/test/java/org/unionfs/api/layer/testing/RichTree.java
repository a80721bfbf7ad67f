package org.unionfs.api.layer.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * A tree with one entry of every kind a layer carries: regular files (empty, small, 200 KiB random),
 * setuid/setgid/sticky modes, a private dir, symlinks (relative, absolute, dangling, to a dir), a hardlink
 * triple, a fifo, char and block devices, user xattrs (text and binary, on a file and a dir),
 * {@code security.capability}, owners beyond ustar's octal range, a 150-byte name, a 300-byte path,
 * non-ASCII and space names, and mtimes with nanoseconds. Needs root (owners, devices, capability).
 */
public final class RichTree {
  private RichTree() {}

  /** cap_net_raw+ep, VFS_CAP_REVISION_2 (what setcap writes). */
  public static final byte[] CAP_NET_RAW = HexFormat.of().parseHex("0100000200200000000000000000000000000000");

  /**
   * Creates the tree under {@code root} (an existing empty dir).
   *
   * @param portable leave out what plain ustar cannot carry (long names, big ids, xattrs)
   */
  public static void create(Path root, boolean portable) throws IOException {
    Posix px = Posix.get();
    Files.createDirectories(root.resolve("a/b"));
    Files.createDirectories(root.resolve("empty"));
    Files.createDirectories(root.resolve("sticky"));
    Files.createDirectories(root.resolve("priv"));
    write(root.resolve("a/plain.txt"), "plain\n");
    write(root.resolve("a/b/exec"), "#!/bin/sh\necho hi\n");
    write(root.resolve("setuid"), "s\n");
    write(root.resolve("setgid"), "g\n");
    write(root.resolve("empty.txt"), "");
    write(root.resolve("with space.txt"), "sp\n");
    write(root.resolve("unicode-\u00fc\u00f1\u00ef-\u6587\u4ef6.txt"), "u\n");
    byte[] rnd = new byte[200 * 1024];
    new Random(42).nextBytes(rnd);
    Files.write(root.resolve("a/random.bin"), rnd);
    chmod(root.resolve("a/b/exec"), 0755);
    chmod(root.resolve("setuid"), 04755);
    chmod(root.resolve("setgid"), 02755);
    chmod(root.resolve("sticky"), 01777);
    chmod(root.resolve("priv"), 0700);
    Files.createSymbolicLink(root.resolve("sym_rel"), Path.of("a/plain.txt"));
    Files.createSymbolicLink(root.resolve("sym_abs"), Path.of("/a/plain.txt"));
    Files.createSymbolicLink(root.resolve("sym_dangling"), Path.of("does-not-exist"));
    Files.createSymbolicLink(root.resolve("sym_dir"), Path.of("a"));
    write(root.resolve("hl_1"), "hardlinked\n");
    Files.createLink(root.resolve("hl_2"), root.resolve("hl_1"));
    Files.createLink(root.resolve("a/hl_3"), root.resolve("hl_1"));
    px.mknod(root.resolve("fifo"), FileStat.S_IFIFO | 0644, 0);
    px.mknod(root.resolve("chardev"), FileStat.S_IFCHR | 0644, FileStat.makedev(1, 3));
    px.mknod(root.resolve("blkdev"), FileStat.S_IFBLK | 0640, FileStat.makedev(7, 0));
    write(root.resolve("owned.txt"), "owned\n");
    px.lchown(root.resolve("owned.txt"), 1000, 1000);
    px.lchown(root.resolve("sym_rel"), 65534, 65534);
    write(root.resolve("capbin"), "#!/bin/sh\n");
    chmod(root.resolve("capbin"), 0755);
    px.setXattr(root.resolve("capbin"), "security.capability", CAP_NET_RAW);
    if (!portable) {
      write(root.resolve("biguid.txt"), "big\n");
      px.lchown(root.resolve("biguid.txt"), 2097152, 2097153);
      write(root.resolve("n".repeat(150)), "long\n");
      Path deep = root.resolve("deep/" + "a".repeat(60) + "/" + "b".repeat(60) + "/" + "c".repeat(60)
          + "/" + "d".repeat(60));
      Files.createDirectories(deep);
      write(deep.resolve("e".repeat(60) + ".txt"), "deep\n");
      px.setXattr(root.resolve("a/plain.txt"), "user.text", "hello".getBytes(StandardCharsets.UTF_8));
      px.setXattr(root.resolve("a/plain.txt"), "user.second", "2".getBytes(StandardCharsets.UTF_8));
      px.setXattr(root.resolve("a"), "user.bin", new byte[] {0, 1, 2, (byte) 0xff, '\n', '='});
    }
    // mtimes last, children before parents, each with its own nanoseconds
    List<Path> all = new ArrayList<>();
    try (Stream<Path> w = Files.walk(root)) {
      w.forEach(all::add);
    }
    all.sort(Comparator.comparingInt(Path::getNameCount).reversed().thenComparing(Path::toString));
    long t = 1_500_000_000L;
    for (Path p : all) {
      t += 3_601;
      px.setTimes(p, t, 0, t, (t * 7919) % 1_000_000_000L);
    }
  }

  private static void write(Path p, String s) throws IOException {
    Files.write(p, s.getBytes(StandardCharsets.UTF_8));
  }

  private static void chmod(Path p, int mode) throws IOException {
    // Files.setPosixFilePermissions cannot set setuid/setgid/sticky
    Cmd.Result r;
    try {
      r = Cmd.run("chmod", String.format("%04o", mode), p.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    if (r.exit() != 0) {
      throw new IOException("chmod " + p + ": " + r.err());
    }
  }
}
