package org.unionfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs external commands for the integration tests: bash scripts, GNU tar, and bin/unionfs. */
final class Shell {
  private Shell() {}

  /** What a command did. */
  record Result(int exit, String stdout, String stderr) {}

  /**
   * Runs {@code argv} with stdin from {@code in} (or nothing) and stdout to {@code out} (or captured).
   *
   * @throws AssertionError if it does not finish within {@code timeoutSeconds}
   */
  static Result run(List<String> argv, Map<String, String> env, Path in, Path out, long timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(env);
    pb.redirectInput(in == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
        : ProcessBuilder.Redirect.from(in.toFile()));
    Path captured = Files.createTempFile("shell-out", ".txt");
    Path err = Files.createTempFile("shell-err", ".txt");
    try {
      pb.redirectOutput(out == null ? captured.toFile() : out.toFile());
      pb.redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(argv + " did not finish within " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), out == null ? Files.readString(captured, StandardCharsets.UTF_8) : "",
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(captured);
      Files.deleteIfExists(err);
    }
  }

  /** Runs a bash script (with {@code set -euo pipefail}) and fails the test if it fails. */
  static String bash(String script) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("bash", "-c", "set -euo pipefail\n" + script));
    Result r = run(argv, Map.of("LC_ALL", "C.UTF-8"), null, null, 900);
    if (r.exit() != 0) {
      throw new AssertionError("script failed with exit " + r.exit() + ":\n" + script + "\nstderr:\n" + r.stderr());
    }
    return r.stdout();
  }

  /** Single-quotes {@code s} for bash. */
  static String q(Object s) {
    return "'" + s.toString().replace("'", "'\\''") + "'";
  }
}
