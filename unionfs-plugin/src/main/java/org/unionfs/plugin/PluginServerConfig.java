package org.unionfs.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.spi.DriverOptions;

/**
 * What {@link PluginServer} serves and where.
 *
 * @param driver the unionfs driver name ("vfs", "overlay2", ...)
 * @param home the root the driver is opened under ({@code <home>/<driver>}), or null to use the
 *     {@code Home} dockerd sends in {@code GraphDriver.Init} ({@code <data-root>/<plugin name>}), so each
 *     daemon keeps its layers inside its own data root as with a built-in driver
 * @param name the plugin name dockerd is started with ({@code --storage-driver NAME}); must not be the
 *     name of a driver built into Docker
 * @param socket the unix socket to listen on (ignored when {@code tcp} is set)
 * @param tcp "host:port" to listen on instead of a socket, or null; a spec file announces it
 * @param specDir where the spec file {@code <name>.spec} is written in TCP mode
 * @param stateFile where the accepted Init (home and options) is remembered, so a restarted server
 *     resumes under a running dockerd, which does not send Init again
 * @param options driver options given on the command line; Init's options are added to them
 */
public record PluginServerConfig(String driver, Path home, String name, Path socket, String tcp,
    Path specDir, Path stateFile, Map<String, String> options) {

  /** Where dockerd looks for plugin sockets. */
  public static final Path SOCKET_DIR = Path.of("/run/docker/plugins");
  /** Where dockerd looks for spec files first. */
  public static final Path SPEC_DIR = Path.of("/etc/docker/plugins");

  public PluginServerConfig {
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(specDir, "specDir");
    Objects.requireNonNull(stateFile, "stateFile");
    options = Map.copyOf(options);
    home = home == null ? null : home.toAbsolutePath().normalize();
  }

  /** The defaults for {@code driver}: plugin {@code unionfs-<driver>} on its socket in /run/docker/plugins. */
  public static PluginServerConfig defaults(String driver) {
    String name = "unionfs-" + driver;
    return new PluginServerConfig(driver, null, name, SOCKET_DIR.resolve(name + ".sock"), null,
        SPEC_DIR, SOCKET_DIR.resolve(name + ".state.json"), Map.of());
  }

  /**
   * Parses {@code --driver NAME [--home DIR] [--name PLUGIN] [--socket PATH | --tcp HOST:PORT]
   * [--spec-dir DIR] [--state-file PATH] [-o key=value]...}.
   *
   * @throws InvalidArgumentException naming the argument that is missing, unknown or malformed
   */
  public static PluginServerConfig parse(String... args) throws InvalidArgumentException {
    Map<String, String> single = new LinkedHashMap<>();
    List<String> opts = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--driver", "--home", "--name", "--socket", "--tcp", "--spec-dir", "--state-file",
            "-o", "--opt" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new InvalidArgumentException("plugin serve: " + arg + " needs a value");
            }
            value = args[++i];
          }
          if (arg.equals("-o") || arg.equals("--opt")) {
            opts.add(value);
          } else if (single.put(arg, value) != null) {
            throw new InvalidArgumentException("plugin serve: " + arg + " given twice");
          }
        }
        default -> throw new InvalidArgumentException("plugin serve: unknown argument \"" + args[i]
            + "\"; usage: --driver NAME [--home DIR] [--name PLUGIN] [--socket PATH | --tcp HOST:PORT]"
            + " [-o key=value]...");
      }
    }
    String driver = single.get("--driver");
    if (driver == null || driver.isBlank()) {
      throw new InvalidArgumentException("plugin serve: --driver NAME is required");
    }
    if (single.containsKey("--socket") && single.containsKey("--tcp")) {
      throw new InvalidArgumentException("plugin serve: give --socket or --tcp, not both");
    }
    PluginServerConfig d = defaults(driver);
    String name = single.getOrDefault("--name", d.name());
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new InvalidArgumentException("plugin serve: bad plugin name \"" + name + "\"");
    }
    String tcp = single.get("--tcp");
    if (tcp != null) {
      hostPort(tcp);
    }
    Path socket = Path.of(single.getOrDefault("--socket", SOCKET_DIR.resolve(name + ".sock").toString()));
    // The remembered Init lives beside the socket, so that a server on a socket of its own never
    // resumes the state of the default server (or of another test run).
    Path state = Path.of(single.getOrDefault("--state-file",
        socket.resolveSibling(name + ".state.json").toString()));
    String home = single.get("--home");
    return new PluginServerConfig(driver, home == null ? null : Path.of(home), name, socket, tcp,
        Path.of(single.getOrDefault("--spec-dir", SPEC_DIR.toString())), state,
        DriverOptions.parse(opts));
  }

  /** Splits "host:port" ("[::1]:7711" for IPv6). */
  static Map.Entry<String, Integer> hostPort(String tcp) throws InvalidArgumentException {
    int colon = tcp.lastIndexOf(':');
    if (colon <= 0) {
      throw new InvalidArgumentException("plugin serve: --tcp \"" + tcp + "\": expected HOST:PORT");
    }
    String host = tcp.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(tcp.substring(colon + 1));
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return Map.entry(host, port);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("plugin serve: --tcp \"" + tcp + "\": bad port");
    }
  }

  /**
   * Where dockerd's Get references are kept for a restarted server: beside the state file,
   * {@code <name>.refs.json} for a state file {@code <name>.state.json}.
   */
  public Path referencesFile() {
    String state = stateFile.getFileName().toString();
    String base = state.endsWith(".state.json") ? state.substring(0, state.length() - ".state.json".length())
        : state;
    return stateFile.resolveSibling(base + ".refs.json");
  }

  /** This config with another socket path (tests). */
  public PluginServerConfig withSocket(Path socket, Path stateFile) {
    return new PluginServerConfig(driver, home, name, socket, null, specDir, stateFile, options);
  }

  /** This config with another home (tests; the CLI's --home). */
  public PluginServerConfig withHome(Path home) {
    return new PluginServerConfig(driver, home, name, socket, tcp, specDir, stateFile, options);
  }

  /** This config with more driver options. */
  public PluginServerConfig withOptions(Map<String, String> options) {
    return new PluginServerConfig(driver, home, name, socket, tcp, specDir, stateFile, options);
  }

  /** This config listening on TCP with the spec file in {@code specDir}. */
  public PluginServerConfig withTcp(String tcp, Path specDir) {
    return new PluginServerConfig(driver, home, name, socket, tcp, specDir, stateFile, options);
  }
}
