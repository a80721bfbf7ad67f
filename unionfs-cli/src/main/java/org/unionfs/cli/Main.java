package org.unionfs.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * The entry point of {@code unionfs.jar}: runs one {@code unionfs} command and exits with its status.
 *
 * <p>Exit status: 0 on success, 1 on a failure (one line on stderr: the typed error's message), 2 on a
 * usage error (an unknown option, a missing argument). {@code exists} answers "no" with 1 and no message.
 */
public final class Main {
  /** Exit status of a command that succeeded. */
  public static final int OK = 0;
  /** Exit status of a failed operation; stderr holds one line saying why. */
  public static final int FAILED = 1;
  /** Exit status of a malformed command line. */
  public static final int USAGE = 2;

  private Main() {}

  /** Environment variable with the drivers' log level (slf4j-simple): off (default), error, warn, info, debug. */
  public static final String LOG_ENV = "UNIONFS_LOG";

  /** Runs the command line in {@code args} on the process's standard streams and exits. */
  public static void main(String[] args) {
    configureLogging(System.getenv());
    // Raw descriptors: System.out would be fine for text, but tars go to stdout byte for byte.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    Io io = new Io(new FileInputStream(FileDescriptor.in), out, err, Terminal.stderrIsTerminal());
    int status = run(io, args);
    out.flush();
    err.flush();
    System.exit(status);
  }

  /**
   * Silences the drivers' logs unless asked for: a failure is reported as one line on stderr, and a
   * driver's warning there would break that contract for scripts. Must run before the first logger.
   */
  static void configureLogging(Map<String, String> env) {
    String key = "org.slf4j.simpleLogger.defaultLogLevel";
    if (System.getProperty(key) == null) {
      String level = env.getOrDefault(LOG_ENV, env.containsKey(Errors.DEBUG_ENV) ? "debug" : "off");
      System.setProperty(key, level);
    }
  }

  /**
   * Runs one command line with the given streams and returns its exit status; never calls
   * {@code System.exit} (tests call this in-process).
   */
  public static int run(Io io, String... args) {
    CommandLine cmd = commandLine(io);
    int status;
    try {
      status = cmd.execute(args);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // picocli hands only Exceptions to the handler; a broken class path must still be one line.
      io.err().println(Errors.line(e));
      status = FAILED;
    }
    io.out().flush();
    io.err().flush();
    return status;
  }

  /** The picocli command tree wired to {@code io}, with our exit codes and one-line errors. */
  static CommandLine commandLine(Io io) {
    UnionfsCommand root = new UnionfsCommand(io);
    CommandLine cmd = new CommandLine(root);
    cmd.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(new Errors.ExecutionHandler());
    cmd.setParameterExceptionHandler(new Errors.UsageHandler());
    cmd.setExitCodeExceptionMapper(t -> FAILED);
    return cmd;
  }
}
