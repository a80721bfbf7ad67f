package org.unionfs.driver.devicemapper.activation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the few system tools the activator needs (losetup, fusermount) and reports their failures. */
final class Commands {
  private static final long TIMEOUT_SECONDS = 60;

  private Commands() {}

  /**
   * Runs {@code argv} and returns its standard output, trimmed.
   *
   * @throws IOException naming the command, its exit code and its standard error when it fails
   */
  static String run(String... argv) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    // stderr goes to a file, not a pipe: reading two pipes in turn can deadlock on a chatty tool
    Path err = Files.createTempFile("unionfs-cmd", ".err");
    try {
      pb.redirectError(err.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IOException(String.join(" ", argv) + ": cannot run " + argv[0] + ": " + e.getMessage(), e);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      boolean done;
      try {
        done = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException(String.join(" ", argv) + ": interrupted");
      }
      if (!done) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + ": no answer after " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        String msg = Files.readString(err).trim();
        throw new IOException(String.join(" ", argv) + ": exit code " + p.exitValue()
            + (msg.isEmpty() ? "" : ": " + msg));
      }
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Whether {@code tool} is on the PATH (as {@code sh -c 'command -v'} would find it). */
  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
