package org.unionfs.driver.overlay2;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh xfs on a sparse image, loop-mounted with the given options ({@code mount -o loop} detaches the
 * loop device on unmount). Skipped with the reason where it cannot work (not root, no loop devices, no
 * mkfs.xfs from xfsprogs); once those exist, any failure fails the test.
 */
final class LoopXfs implements AutoCloseable {
  private final Path dir;
  private final Path mountPoint;

  private LoopXfs(Path dir, Path mountPoint) {
    this.dir = dir;
    this.mountPoint = mountPoint;
  }

  static LoopXfs mount(String options) throws IOException, InterruptedException {
    assumeTrue(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0,
        "loop xfs needs root");
    assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no loop devices");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs")) || Files.isExecutable(Path.of("/sbin/mkfs.xfs")),
        "mkfs.xfs missing: apt-get install xfsprogs");
    Path dir = Files.createTempDirectory("h8-xfs");
    Path image = dir.resolve("image");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(300L << 20);
    }
    run("mkfs.xfs", "-q", "-f", image.toString());
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    try {
      run("mount", "-t", "xfs", "-o", "loop" + (options.isEmpty() ? "" : "," + options), image.toString(),
          mnt.toString());
    } catch (IOException e) {
      Trees.deleteRecursively(dir);
      assumeTrue(!options.contains("quota") || !kernelLacksXfsQuota(),
          "kernel built without CONFIG_XFS_QUOTA (see /proc/config.gz): xfs cannot be mounted with " + options);
      throw e;
    }
    return new LoopXfs(dir, mnt);
  }

  /** Whether the running kernel's configuration says it has no xfs quota support. */
  static boolean kernelLacksXfsQuota() {
    Path config = Path.of("/proc/config.gz");
    if (!Files.isReadable(config)) {
      return false;
    }
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(config))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("# CONFIG_XFS_QUOTA is not set");
    } catch (IOException e) {
      return false;
    }
  }

  Path path() {
    return mountPoint;
  }

  @Override
  public void close() throws IOException {
    try {
      run("umount", mountPoint.toString());
    } catch (IOException | InterruptedException e) {
      try {
        run("umount", "-l", mountPoint.toString());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
    Trees.deleteRecursively(dir);
  }

  private static void run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out.strip());
    }
  }
}
