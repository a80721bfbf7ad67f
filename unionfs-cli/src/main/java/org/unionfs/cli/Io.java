package org.unionfs.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * The standard streams a command runs with. {@code out} carries text and binary tars alike (a
 * {@link PrintStream} passes {@code write(byte[])} through unchanged).
 *
 * @param in standard input, read by {@code apply-diff -}
 * @param out standard output
 * @param err standard error: error lines and progress
 * @param stderrIsTerminal whether progress may be drawn on {@code err}
 */
public record Io(InputStream in, PrintStream out, PrintStream err, boolean stderrIsTerminal) {
  public Io {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
  }
}
