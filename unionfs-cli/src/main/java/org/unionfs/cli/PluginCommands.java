package org.unionfs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.plugin.PluginServer;
import org.unionfs.plugin.PluginServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code unionfs plugin ...}: serving a driver to dockerd through the graphdriver plugin protocol. */
@Command(name = "plugin", mixinStandardHelpOptions = true,
    description = "Serve a driver to a Docker daemon through the graphdriver plugin protocol.",
    subcommands = PluginCommands.Serve.class)
final class PluginCommands implements Callable<Integer> {
  @ParentCommand
  UnionfsCommand parent;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing plugin command (serve)");
  }

  /**
   * {@code plugin serve}: listens on /run/docker/plugins/PLUGIN.sock (or TCP with a spec file) until
   * SIGTERM/SIGINT, then releases every mount dockerd left and removes the socket. Options given before
   * {@code plugin} ({@code --driver}, {@code --home}, {@code -o}) apply when not repeated here.
   */
  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Serve --driver to dockerd as plugin unionfs-<driver> (dockerd --experimental "
          + "--storage-driver unionfs-<driver>). Runs until SIGTERM or SIGINT.",
          "Without --home the layers live where dockerd says (<data-root>/<plugin>/<driver>).",
          "A server restarted under a running dockerd resumes from PLUGIN.state.json beside the socket and"
              + " mounts again what dockerd still holds (PLUGIN.refs.json), so Puts of earlier Gets succeed."})
  static final class Serve implements Callable<Integer> {
    @ParentCommand
    PluginCommands plugin;

    @Spec
    CommandSpec spec;

    @Option(names = "--driver", paramLabel = "NAME", description = "The driver to serve.")
    String driver;

    @Option(names = "--home", paramLabel = "DIR",
        description = "The root of the driver's home (DIR/NAME). Default: the Home dockerd sends.")
    Path home;

    @Option(names = "--name", paramLabel = "PLUGIN", description = "Plugin name. Default: unionfs-NAME.")
    String name;

    @Option(names = "--socket", paramLabel = "PATH",
        description = "Unix socket. Default: /run/docker/plugins/PLUGIN.sock.")
    Path socket;

    @Option(names = "--tcp", paramLabel = "HOST:PORT",
        description = "Listen on TCP instead and write /etc/docker/plugins/PLUGIN.spec.")
    String tcp;

    @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", description = "A driver option (repeatable).")
    Map<String, String> options = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
      UnionfsCommand top = plugin.parent;
      List<String> args = new ArrayList<>();
      String chosen = driver != null ? driver : top.driver;
      if (chosen == null) {
        throw new ParameterException(spec.commandLine(), "plugin serve needs --driver NAME");
      }
      add(args, "--driver", chosen);
      Path root = home != null ? home : top.home;
      if (root != null) {
        add(args, "--home", root.toAbsolutePath().normalize().toString());
      }
      add(args, "--name", name);
      if (socket != null) {
        add(args, "--socket", socket.toAbsolutePath().toString());
      }
      add(args, "--tcp", tcp);
      Map<String, String> all = new LinkedHashMap<>(top.driverOptions());
      all.putAll(options);
      all.forEach((k, v) -> add(args, "-o", k + "=" + v));
      PluginServerConfig config;
      try {
        config = PluginServerConfig.parse(args.toArray(String[]::new));
      } catch (InvalidArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      PluginServer.serve(config);
      return Main.OK;
    }

    private static void add(List<String> args, String flag, String value) {
      if (value != null) {
        args.add(flag);
        args.add(value);
      }
    }
  }
}
