package org.unionfs.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Runs the {@code unionfs} command in-process with captured streams, on one home and driver. */
final class Cli {
  private final Path home;
  private final String driver;
  private boolean terminal;

  Cli(Path home, String driver) {
    this.home = home;
    this.driver = driver;
  }

  /** Pretend stderr is a terminal (progress is drawn). */
  Cli terminal(boolean on) {
    this.terminal = on;
    return this;
  }

  /** What one command did. */
  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    List<String> lines() {
      String s = out();
      return s.isEmpty() ? List.of() : Arrays.asList(s.split("\n"));
    }

    @Override
    public String toString() {
      return "exit " + exit + ", stdout " + (stdout.length > 2000 ? stdout.length + " bytes" : "\"" + out() + "\"")
          + ", stderr \"" + stderr + "\"";
    }
  }

  /** {@code unionfs --home HOME --driver DRIVER ARGS...}. */
  Result run(String... args) {
    return runWithInput(new byte[0], args);
  }

  /** As {@link #run} with {@code stdin} on standard input. */
  Result runWithInput(byte[] stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    if (driver != null) {
      all.add("--driver");
      all.add(driver);
    }
    all.addAll(List.of(args));
    return raw(stdin, all.toArray(String[]::new));
  }

  /** Exactly {@code args}, nothing added. */
  Result raw(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(stdin), new PrintStream(out, false, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
    int exit = Main.run(io, args);
    return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Every path under the home with its size, and the mtime of each non-directory: a fingerprint to prove
   * "nothing changed". Directory mtimes are left out: opening a driver may tidy its scratch directory.
   */
  static List<String> snapshot(Path home) throws IOException {
    if (!Files.exists(home)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(home)) {
      return s.sorted().map(p -> {
        try {
          return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? home.relativize(p) + "/"
              : home.relativize(p) + " " + Files.size(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
          return home.relativize(p) + " ?";
        }
      }).toList();
    }
  }
}
