package org.unionfs.driver.devicemapper.activation;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.unionfs.fuse.binding.JnrFuseBinding;

/** What the activation tests need from the machine, and a shell runner for them. */
final class KernelTools {
  private KernelTools() {}

  /** Skips the calling test (with the reason) unless root, /dev/fuse, loop devices and the tools are there. */
  static void assumeKernelSupport() {
    Optional<String> missing = missing();
    assumeTrue(missing.isEmpty(), () -> "activation test skipped: " + missing.orElse(""));
  }

  static Optional<String> missing() {
    try {
      if (!run("id", "-u").trim().equals("0")) {
        return Optional.of("not root (losetup and mount need it)");
      }
    } catch (IOException e) {
      return Optional.of("cannot run id: " + e.getMessage());
    }
    if (!Files.exists(Path.of("/dev/fuse"))) {
      return Optional.of("no /dev/fuse");
    }
    if (!Files.exists(Path.of("/dev/loop-control"))) {
      return Optional.of("no /dev/loop-control (kernel without loop devices)");
    }
    for (String tool : new String[] {"losetup", "fusermount", "mkfs.ext4", "e2fsck", "mount", "umount"}) {
      if (!Commands.onPath(tool)) {
        return Optional.of(tool + " not installed");
      }
    }
    try {
      new JnrFuseBinding().requireAvailable();
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  /** Runs a command; its combined output; throws with the output when it fails. */
  static String run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    return out;
  }

  /** Exit code and combined output of a command that may fail. */
  record Result(int code, String output) {}

  static Result tryRun(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  static void mkfs(Path loop) throws IOException {
    run("mkfs.ext4", "-q", "-F", "-E", "nodiscard,lazy_itable_init=0,lazy_journal_init=0", loop.toString());
  }

  static void mount(Path loop, Path dir) throws IOException {
    Files.createDirectories(dir);
    run("mount", "-t", "ext4", loop.toString(), dir.toString());
  }

  static void umount(Path dir) throws IOException {
    run("umount", dir.toString());
  }

  /** Unmounts {@code dir} if something is mounted there (cleanup after a failed test). */
  static void umountQuietly(Path dir) {
    try {
      if (KernelMounts.typeAt(dir).isPresent()) {
        tryRun("umount", "-l", dir.toString());
      }
    } catch (IOException | InterruptedException e) {
      // best effort
    }
  }
}
