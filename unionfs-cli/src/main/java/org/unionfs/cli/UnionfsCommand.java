package org.unionfs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.registry.DriverRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code unionfs [--driver NAME] [--home DIR] [-o KEY=VALUE]... COMMAND}: the global options and the
 * table of commands. Each command opens the driver through {@link #openDriver()} and closes it when done.
 */
@Command(
    name = "unionfs",
    mixinStandardHelpOptions = true,
    versionProvider = UnionfsCommand.Version.class,
    sortOptions = false,
    description = "Layered filesystems with Docker-style graphdrivers (vfs, overlay2, aufs, devicemapper).",
    footer = {"",
        "Exit status: 0 success, 1 failure (one line on stderr), 2 usage error.",
        "Documentation: docs/cli.md"})
public final class UnionfsCommand implements Callable<Integer> {
  /**
   * The commands, in the order of the help. Not in the annotation: {@link Main} registers only the one
   * a command line names (all of them for help or a usage error), because picocli reflects over every
   * registered class at start-up, a cost paid by each short-lived run.
   */
  static final List<Class<?>> COMMANDS = List.of(
      InfoCommands.Drivers.class,
      InfoCommands.Status.class,
      LifecycleCommands.Create.class,
      LifecycleCommands.CreateReadWrite.class,
      LifecycleCommands.Remove.class,
      LifecycleCommands.Exists.class,
      LifecycleCommands.Metadata.class,
      DiffCommands.ApplyDiff.class,
      DiffCommands.Diff.class,
      DiffCommands.Changes.class,
      DiffCommands.DiffSize.class,
      ExportCommand.class,
      GetPutCommands.Get.class,
      GetPutCommands.Put.class,
      PluginCommands.class,
      DmCommands.class
  );

  private final Io io;

  @Spec
  CommandSpec spec;

  @Option(names = "--driver", paramLabel = "NAME",
      description = "The storage driver. Default: the one with state under the home, else the first of "
          + "overlay2, aufs, devicemapper, vfs that works here.")
  String driver;

  @Option(names = "--home", paramLabel = "DIR",
      description = "The root of the drivers' homes (a driver lives in DIR/NAME). Default: /var/lib/unionfs "
          + "for root, else $XDG_DATA_HOME/unionfs or ~/.local/share/unionfs.")
  Path home;

  @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE",
      description = "A driver option (repeatable); the driver refuses a key it does not know.")
  Map<String, String> options = new LinkedHashMap<>();

  UnionfsCommand(Io io) {
    this.io = io;
  }

  /** The standard streams of this run. */
  Io io() {
    return io;
  }

  /** The root under which each driver has its home. */
  Path home() {
    return (home != null ? home : Homes.defaultHome()).toAbsolutePath().normalize();
  }

  /** The driver options given with {@code -o}. */
  Map<String, String> driverOptions() {
    return Map.copyOf(options);
  }

  /** The registry of the drivers on the class path (all four in {@code unionfs.jar}). */
  DriverRegistry registry() {
    return DriverRegistry.load(UnionfsCommand.class.getClassLoader());
  }

  /**
   * Opens the chosen driver: {@code --driver} if given, else the registry's default for the home.
   * Mounts are shared between invocations: a {@code get} leaves its kernel mount for a later
   * {@code put}, so no command may detach the mounts of another (DriverContext#sharedMounts).
   *
   * @throws org.unionfs.api.error.InvalidArgumentException for an unknown driver or option
   * @throws org.unionfs.api.error.NotSupportedException if the driver cannot run here
   */
  GraphDriver openDriver() throws IOException {
    DriverRegistry registry = registry();
    return driver != null
        ? registry.open(driver, home(), driverOptions(), true)
        : registry.openDefault(home(), driverOptions(), true);
  }

  /** {@code unionfs} without a command is a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing COMMAND");
  }

  /** The version in the jar's manifest (set by the build). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = UnionfsCommand.class.getPackage().getImplementationVersion();
      return new String[] {"unionfs " + (v == null ? "(development build)" : v)};
    }
  }
}
