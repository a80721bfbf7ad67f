package org.unionfs.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.unionfs.api.error.UnionFsException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Turns every failure into one line on stderr and the exit status {@link Main} documents. */
final class Errors {
  /** With this variable set, a failure also prints its stack trace (for bug reports). */
  static final String DEBUG_ENV = "UNIONFS_DEBUG";

  private Errors() {}

  /** The one line printed for {@code t}: "unionfs: " and the typed error's message. */
  static String line(Throwable t) {
    Throwable e = t instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : t;
    String message;
    if (e instanceof UnionFsException) {
      message = e.getMessage();
    } else if (e instanceof NoSuchFileException f) {
      message = f.getFile() + ": no such file or directory";
    } else if (e instanceof AccessDeniedException f) {
      message = f.getFile() + ": permission denied" + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
    } else if (e instanceof FileSystemException f) {
      message = f.getMessage();
    } else if (e instanceof java.io.IOException) {
      message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    } else {
      // Not an expected failure: a bug. Say what it is, still on one line.
      message = "internal error: " + e;
    }
    return "unionfs: " + oneLine(message);
  }

  /**
   * Puts "COMMAND ID: " after the "unionfs: " of {@code line} unless the message already names the layer
   * (an engine error such as "bad header checksum" knows the tar entry, not the layer it was applied to).
   */
  static String withContext(String line, ParseResult parseResult) {
    ParseResult sub = parseResult;
    while (sub.hasSubcommand()) {
      sub = sub.subcommand();
    }
    if (sub == parseResult || sub.matchedPositionals().isEmpty()) {
      return line;
    }
    Object value = sub.matchedPositionals().get(0).getValue();
    String id = String.valueOf(value);
    String prefix = "unionfs: ";
    if (line.substring(prefix.length()).contains(id)) {
      return line;
    }
    return prefix + sub.commandSpec().name() + " " + id + ": " + line.substring(prefix.length());
  }

  /** Collapses line breaks so that a message is always exactly one line. */
  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** Failures of a command: exit 1 with one line (exit codes a command returns itself pass through). */
  static final class ExecutionHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
      PrintWriter err = cmd.getErr();
      err.println(withContext(line(ex), parseResult));
      if (System.getenv(DEBUG_ENV) != null) {
        ex.printStackTrace(err);
      }
      err.flush();
      return Main.FAILED;
    }
  }

  /** Malformed command lines: exit 2 with one line pointing at the help. */
  static final class UsageHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      String name = cmd.getCommandSpec().qualifiedName();
      err.println("unionfs: " + oneLine(ex.getMessage()) + " (see '" + name + " --help')");
      err.flush();
      return Main.USAGE;
    }
  }
}
