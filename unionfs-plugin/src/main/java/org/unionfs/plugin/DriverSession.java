package org.unionfs.plugin;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.internal.AtomicFiles;
import org.unionfs.api.registry.DriverRegistry;
import org.unionfs.api.spi.DriverOptions;

/**
 * The driver dockerd is talking to: opened at {@code GraphDriver.Init}, closed at
 * {@code GraphDriver.Cleanup} or at shutdown.
 *
 * <p>The driver's root is {@link PluginServerConfig#home()} if given, else the {@code Home} of Init
 * ({@code <data-root>/<plugin name>}); the driver itself lives in {@code <root>/<driver>} as with every
 * registry-opened driver. Options are the command line's plus Init's ({@code --storage-opt}); the
 * driver's own parser refuses unknown ones and Init then answers Docker's {@code {"Err": ...}}.
 *
 * <p>dockerd sends Init once per daemon start. A plugin server restarted under a running daemon gets
 * no second Init, so the accepted Init is kept in {@link PluginServerConfig#stateFile()} and the next
 * server resumes from it. Cleanup (daemon shutdown) deletes it.
 *
 * <p>dockerd's Get references live in {@link DockerReferences} (a second file beside the state file):
 * a resumed server takes them again, so Puts of Gets made before the restart succeed and release the
 * mounts as they would have.
 */
final class DriverSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriverSession.class);

  private final PluginServerConfig config;
  private final DriverRegistry registry;
  private final DockerReferences references;
  private GraphDriver driver;
  private Path root;

  DriverSession(PluginServerConfig config, DriverRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.references = new DockerReferences(config.referencesFile());
  }

  /** The open driver; a call before Init fails with a message dockerd shows. */
  synchronized GraphDriver driver() throws IOException {
    if (driver == null) {
      throw new IllegalStateException("unionfs plugin " + config.name()
          + ": driver not initialised (GraphDriver.Init not received)");
    }
    return driver;
  }

  /** {@code GraphDriver.Get}: the driver's get, counted as one of dockerd's references. */
  Path get(String id, String mountLabel) throws IOException {
    return references.get(driver(), id, mountLabel);
  }

  /** {@code GraphDriver.Put}: releases one of dockerd's references (also one taken before a restart). */
  void put(String id) throws IOException {
    references.put(driver(), id);
  }

  /** dockerd's references per layer (tests). */
  Map<String, Integer> references() {
    return references.counts();
  }

  /** The root the open driver lives under, or null. */
  synchronized Path root() {
    return root;
  }

  /**
   * Opens the driver for Init. A driver already open (the daemon restarted without Cleanup, or this
   * server resumed from its state file) is closed first: mounts and reference counts of the earlier
   * daemon do not carry over, exactly as if the driver had been restarted.
   */
  synchronized void init(String home, List<String> initOptions) throws IOException {
    Path chosen = config.home() != null ? config.home() : requireHome(home);
    Map<String, String> options = new LinkedHashMap<>(config.options());
    options.putAll(DriverOptions.parse(initOptions == null ? List.of() : initOptions));
    closeDriver();
    references.forget();
    open(chosen, options);
    saveState(chosen, options);
  }

  private static Path requireHome(String home) throws InvalidArgumentException {
    if (home == null || home.isEmpty() || !home.startsWith("/")) {
      throw new InvalidArgumentException("GraphDriver.Init: Home must be an absolute path, got \""
          + home + "\"");
    }
    return Path.of(home);
  }

  /**
   * Reopens the driver of an earlier server's Init, if its state file is there, and takes again every
   * reference dockerd held (the mounts come back at the same paths).
   */
  synchronized boolean resume() throws IOException {
    Path state = config.stateFile();
    if (!Files.isRegularFile(state)) {
      return false;
    }
    Map<String, Object> saved = WireFormat.JSON.readValue(state.toFile(), new TypeReference<>() {});
    Path savedRoot = Path.of((String) saved.get("root"));
    @SuppressWarnings("unchecked")
    Map<String, String> options = (Map<String, String>) saved.getOrDefault("options", Map.of());
    if (!config.driver().equals(saved.get("driver"))) {
      LOG.warn("ignoring state file {}: it is for driver {}", state, saved.get("driver"));
      return false;
    }
    if (!Files.isDirectory(savedRoot)) {
      // The data root is gone (a test run cleaned up); do not recreate it from a stale note.
      LOG.warn("ignoring state file {}: {} no longer exists", state, savedRoot);
      Files.deleteIfExists(state);
      references.forget();
      return false;
    }
    open(savedRoot, options);
    LOG.info("resumed driver {} under {} from {}", config.driver(), savedRoot, state);
    try {
      references.reacquire(driver);
    } catch (IOException e) {
      // An unreadable reference file: dockerd's later Puts of those layers will be refused, as
      // without it; the driver itself is fine.
      LOG.warn("plugin {}: cannot re-take dockerd's references from {}: {}", config.name(),
          config.referencesFile(), e.toString());
    }
    return true;
  }

  private void open(Path chosen, Map<String, String> options) throws IOException {
    driver = registry.open(config.driver(), chosen, options);
    root = chosen;
    LOG.info("opened driver {} under {} with options {}", config.driver(), chosen, options);
  }

  private void saveState(Path chosen, Map<String, String> options) throws IOException {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("driver", config.driver());
    state.put("root", chosen.toString());
    state.put("options", options);
    Files.createDirectories(config.stateFile().toAbsolutePath().getParent());
    AtomicFiles.write(config.stateFile(), WireFormat.JSON.writeValueAsBytes(state), "rw-------");
  }

  /** Cleanup: the daemon is shutting down; release every mount and forget the Init and references. */
  synchronized void cleanup() throws IOException {
    try {
      closeDriver();
    } finally {
      Files.deleteIfExists(config.stateFile());
      references.forget();
    }
  }

  private void closeDriver() throws IOException {
    GraphDriver open = driver;
    driver = null;
    root = null;
    references.driverClosed();
    if (open != null) {
      open.close();
    }
  }

  /**
   * Server shutdown: release every mount; the state and reference files stay for a restarted server,
   * which mounts again what dockerd still holds.
   */
  @Override
  public synchronized void close() throws IOException {
    closeDriver();
  }
}
