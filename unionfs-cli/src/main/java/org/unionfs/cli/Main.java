package org.unionfs.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
    CommandLine cmd = commandLine(io, args);
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
    return commandLine(io, new String[0]);
  }

  /**
   * As {@link #commandLine(Io)}, with only the command {@code args} name registered when they name one
   * (picocli's reflection over the other classes is start-up time for nothing); every command when they
   * name none, or one that does not exist, so that help and usage errors list them all.
   */
  static CommandLine commandLine(Io io, String[] args) {
    UnionfsCommand root = new UnionfsCommand(io);
    CommandLine cmd = new CommandLine(root);
    String named = commandName(args);
    List<Class<?>> chosen = UnionfsCommand.COMMANDS.stream()
        .filter(c -> named != null && named.equals(c.getAnnotation(Command.class).name())).toList();
    for (Class<?> c : chosen.isEmpty() ? UnionfsCommand.COMMANDS : chosen) {
      cmd.addSubcommand(c);
    }
    // Settings after the subcommands: picocli applies them to the subcommands present at the call.
    cmd.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
    cmd.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(new Errors.ExecutionHandler());
    cmd.setParameterExceptionHandler(new Errors.UsageHandler());
    cmd.setExitCodeExceptionMapper(t -> FAILED);
    return cmd;
  }

  /** Global options that take a value as the next argument. */
  private static final Set<String> VALUE_OPTIONS = Set.of("--driver", "--home", "-o", "--opt");

  /**
   * The first argument that is neither a global option nor an option's value: the command's name; null
   * when there is none or the arguments hold something else before it (picocli then reports it).
   */
  static String commandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (VALUE_OPTIONS.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        return a;
      } else if (!(a.startsWith("--driver=") || a.startsWith("--home=") || a.startsWith("--opt=")
          || (a.startsWith("-o") && a.length() > 2))) {
        return null; // --help, --version, --, or an unknown option
      }
    }
    return null;
  }
}
