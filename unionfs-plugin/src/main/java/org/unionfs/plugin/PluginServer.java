package org.unionfs.plugin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.UnionFsException;
import org.unionfs.api.internal.AtomicFiles;
import org.unionfs.api.registry.DriverRegistry;

/**
 * A unionfs graphdriver served to dockerd as a legacy graphdriver plugin.
 *
 * <pre>
 *   PluginServer server = PluginServer.start(PluginServerConfig.defaults("overlay2"));
 *   // dockerd --experimental --storage-driver unionfs-overlay2 ...
 *   server.close();          // releases every mount the daemon left, removes the socket
 * </pre>
 *
 * <p>{@link #serve} (and {@link #main}) run until SIGTERM/SIGINT; the shutdown hook does what
 * {@link #close} does.
 */
public final class PluginServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginServer.class);
  /** dockerd streams Diff/ApplyDiff at its own pace; do not cut a slow but live transfer. */
  private static final long IDLE_TIMEOUT_MS = 10 * 60 * 1000L;
  /**
   * How long a stopping server waits for the driver to close. A FUSE-backed driver (aufs) waits for each
   * union to be closed after its unmount, which never happens while a running container's mount
   * namespace still holds the mount: only our process exit ends those FUSE sessions. So the wait is
   * bounded, and {@link #serve} then exits at once.
   */
  static final long DRIVER_CLOSE_WAIT_MS = 10_000L;

  private final PluginServerConfig config;
  private final DriverSession session;
  private final Server jetty;
  private final Path specFile;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private long driverCloseWaitMs = DRIVER_CLOSE_WAIT_MS;
  private boolean closed;
  private volatile boolean driverStillClosing;

  private PluginServer(PluginServerConfig config, DriverSession session, Server jetty, Path specFile) {
    this.config = config;
    this.session = session;
    this.jetty = jetty;
    this.specFile = specFile;
  }

  /** Starts serving with the drivers on the class path. */
  public static PluginServer start(PluginServerConfig config) throws IOException {
    return start(config, DriverRegistry.load(PluginServer.class.getClassLoader()));
  }

  /**
   * Starts serving {@code config.driver()} from {@code registry}. If the state file of an earlier
   * server is present (a restart under a running dockerd), the driver is reopened from it at once.
   *
   * @throws InvalidArgumentException if the driver is unknown, or another server holds the socket
   */
  public static PluginServer start(PluginServerConfig config, DriverRegistry registry) throws IOException {
    if (registry.provider(config.driver()).isEmpty()) {
      throw new InvalidArgumentException("unknown storage driver \"" + config.driver() + "\"; available: "
          + String.join(", ", registry.providers().stream().map(p -> p.name()).toList()));
    }
    DriverSession session = new DriverSession(config, registry);
    try {
      session.resume();
    } catch (IOException e) {
      // dockerd sends Init again when it restarts; until then calls answer "not initialised".
      LOG.warn("plugin {}: cannot resume from {}: {}", config.name(), config.stateFile(), e.toString());
    }
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("plugin-" + config.name());
    Server jetty = new Server(threads);
    HttpConnectionFactory http = new GoClientConnectionFactory(new HttpConfiguration());
    AbstractNetworkConnector connector;
    Path specFile = null;
    if (config.tcp() == null) {
      prepareSocket(config.socket());
      UnixDomainServerConnector unix = new UnixDomainServerConnector(jetty, http);
      unix.setUnixDomainPath(config.socket());
      connector = null;
      unix.setIdleTimeout(IDLE_TIMEOUT_MS);
      jetty.addConnector(unix);
    } else {
      Map.Entry<String, Integer> hp = PluginServerConfig.hostPort(config.tcp());
      ServerConnector tcp = new ServerConnector(jetty, http);
      tcp.setHost(hp.getKey());
      tcp.setPort(hp.getValue());
      tcp.setIdleTimeout(IDLE_TIMEOUT_MS);
      connector = tcp;
      jetty.addConnector(tcp);
    }
    jetty.setHandler(new PluginHandler(session));
    jetty.setStopAtShutdown(false);
    try {
      jetty.start();
    } catch (Exception e) {
      session.close();
      throw new IOException("plugin " + config.name() + ": cannot start the server: " + e, e);
    }
    if (connector != null) {
      specFile = config.specDir().resolve(config.name() + ".spec");
      Files.createDirectories(config.specDir());
      String host = connector.getHost().contains(":") ? "[" + connector.getHost() + "]" : connector.getHost();
      AtomicFiles.writeString(specFile, "tcp://" + host + ":" + connector.getLocalPort() + "\n", "rw-r--r--");
    }
    PluginServer server = new PluginServer(config, session, jetty, specFile);
    LOG.info("serving driver {} as plugin {} on {}", config.driver(), config.name(), server.address());
    return server;
  }

  /** Refuses a socket another live server answers on; removes a stale one. */
  private static void prepareSocket(Path socket) throws IOException {
    Files.createDirectories(socket.toAbsolutePath().getParent());
    if (Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(socket));
        throw new InvalidArgumentException("plugin socket " + socket + " is in use by another server");
      } catch (UnionFsException e) {
        throw e;
      } catch (IOException stale) {
        Files.delete(socket);
      }
    }
  }

  /** Where dockerd reaches this server: the socket path, or "tcp://host:port" of the spec file. */
  public String address() {
    if (config.tcp() == null) {
      return config.socket().toString();
    }
    ServerConnector c = (ServerConnector) jetty.getConnectors()[0];
    return "tcp://" + c.getHost() + ":" + c.getLocalPort();
  }

  /** The spec file written in TCP mode, or null. */
  public Path specFile() {
    return specFile;
  }

  /** The driver session (tests compare replies with the driver's own answers). */
  DriverSession session() {
    return session;
  }

  /** The configuration served. */
  public PluginServerConfig config() {
    return config;
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops serving: no new calls, running ones finish (up to 10 s), then every mount the daemon left is
   * released ({@code close()} of the driver, waited for up to {@link #DRIVER_CLOSE_WAIT_MS}), and the
   * socket or spec file is removed. dockerd's references stay in their file for the next server.
   * Idempotent.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    try {
      jetty.setStopTimeout(10_000);
      jetty.stop();
    } catch (Exception e) {
      failure = new IOException("plugin " + config.name() + ": stopping the server: " + e, e);
    }
    try {
      closeSession();
    } catch (IOException e) {
      failure = e;
    }
    if (config.tcp() == null) {
      Files.deleteIfExists(config.socket());
    } else if (specFile != null) {
      Files.deleteIfExists(specFile);
    }
    stopped.countDown();
    LOG.info("plugin {} stopped", config.name());
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes the driver on a helper thread, waiting for it up to {@link #DRIVER_CLOSE_WAIT_MS}. */
  private void closeSession() throws IOException {
    IOException[] failed = new IOException[1];
    Thread closer = new Thread(() -> {
      try {
        session.close();
      } catch (IOException e) {
        failed[0] = e;
      }
    }, "plugin-close-" + config.name());
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(driverCloseWaitMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      driverStillClosing = true;
      LOG.warn("plugin {}: driver {} still closing after {} s (a FUSE mount still used by a running"
          + " container's mount namespace?); not waiting longer: its mounts are detached, and the"
          + " process exit ends their FUSE sessions", config.name(), config.driver(),
          driverCloseWaitMs / 1000.0);
      return;
    }
    if (failed[0] != null) {
      throw failed[0];
    }
  }

  /** Tests: a shorter bound than {@link #DRIVER_CLOSE_WAIT_MS}. */
  void driverCloseWait(long millis) {
    driverCloseWaitMs = millis;
  }

  /** Whether {@link #close} returned while the driver was still closing (see {@link #DRIVER_CLOSE_WAIT_MS}). */
  boolean driverStillClosing() {
    return driverStillClosing;
  }

  /**
   * Serves until the JVM is asked to stop (SIGTERM, SIGINT), then shuts down as {@link #close}. If the
   * driver had not finished closing by then, the process halts at once rather than sit in the FUSE
   * mounts' own shutdown hooks, each of which waits 30 s for a session only the exit can end.
   */
  public static void serve(PluginServerConfig config) throws IOException, InterruptedException {
    PluginServer server = start(config);
    Thread hook = new Thread(() -> {
      try {
        server.close();
      } catch (IOException e) {
        LOG.error("plugin {}: shutdown: {}", config.name(), e.toString());
      }
      if (server.driverStillClosing()) {
        Runtime.getRuntime().halt(0);
      }
    }, "plugin-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    server.awaitStop();
  }

  /**
   * {@code --driver NAME [--home DIR] [--name PLUGIN] [--socket PATH | --tcp HOST:PORT] [-o k=v]...};
   * exits 2 on bad arguments, 1 if the server cannot start.
   */
  public static void main(String[] args) throws InterruptedException {
    PluginServerConfig config;
    try {
      config = PluginServerConfig.parse(args);
    } catch (InvalidArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      serve(config);
    } catch (IOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
