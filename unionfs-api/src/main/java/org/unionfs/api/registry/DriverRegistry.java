package org.unionfs.api.registry;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;

/**
 * Finds drivers through {@link ServiceLoader} and opens one by name or by priority (moby's
 * {@code graphdriver.New}).
 *
 * <p>A driver opened through the registry lives in {@code <root>/<name>}. Without a name the registry
 * prefers the driver that already has state under the root, refuses to guess when several do, and
 * otherwise takes the first of {@link #DEFAULT_PRIORITY} whose probe succeeds.
 */
public final class DriverRegistry {
  /** Docker's historical order, without the drivers this library does not have. */
  public static final List<String> DEFAULT_PRIORITY = List.of("overlay2", "aufs", "devicemapper", "vfs");

  private final Map<String, GraphDriverProvider> providers;

  /** A registry over the given providers (tests; embedding without ServiceLoader). */
  public DriverRegistry(List<GraphDriverProvider> providers) {
    Map<String, GraphDriverProvider> byName = new LinkedHashMap<>();
    for (GraphDriverProvider p : providers) {
      if (byName.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("two providers named " + p.name());
      }
    }
    this.providers = Map.copyOf(byName);
  }

  /** The providers on the class path (or module path) of this class's loader. */
  public static DriverRegistry load() {
    return load(DriverRegistry.class.getClassLoader());
  }

  /** The providers visible to {@code loader}. */
  public static DriverRegistry load(ClassLoader loader) {
    List<GraphDriverProvider> found = new ArrayList<>();
    ServiceLoader.load(GraphDriverProvider.class, loader).forEach(found::add);
    return new DriverRegistry(found);
  }

  /** Every provider: those of the default priority first, in order, then the others by name. */
  public List<GraphDriverProvider> providers() {
    List<GraphDriverProvider> ordered = new ArrayList<>();
    for (String name : DEFAULT_PRIORITY) {
      provider(name).ifPresent(ordered::add);
    }
    providers.keySet().stream().sorted().filter(n -> !DEFAULT_PRIORITY.contains(n))
        .forEach(n -> ordered.add(providers.get(n)));
    return ordered;
  }

  /** The provider registered under {@code name}. */
  public Optional<GraphDriverProvider> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /** One driver's probe answer, for {@code unionfs drivers}. */
  public record ProbeResult(String name, boolean installed, Support support) {}

  /** Probes every driver of the default priority (and any other registered one) for {@code root}. */
  public List<ProbeResult> probeAll(Path root, Map<String, String> options) {
    List<ProbeResult> results = new ArrayList<>();
    for (String name : DEFAULT_PRIORITY) {
      GraphDriverProvider p = providers.get(name);
      results.add(p == null
          ? new ProbeResult(name, false, Support.notSupported("not on the class path"))
          : new ProbeResult(name, true, probe(p, root, options)));
    }
    for (GraphDriverProvider p : providers()) {
      if (!DEFAULT_PRIORITY.contains(p.name())) {
        results.add(new ProbeResult(p.name(), true, probe(p, root, options)));
      }
    }
    return results;
  }

  private static Support probe(GraphDriverProvider p, Path root, Map<String, String> options) {
    try {
      return p.probe(new DriverContext(root.resolve(p.name()), options));
    } catch (RuntimeException e) {
      return Support.notSupported("probe failed: " + e);
    }
  }

  /**
   * Opens the driver {@code name} with home {@code <root>/<name>}.
   *
   * @throws InvalidArgumentException if no driver has that name, or an option is unknown
   * @throws NotSupportedException if its probe fails here, with the reason
   */
  public GraphDriver open(String name, Path root, Map<String, String> options) throws IOException {
    return open(name, root, options, false);
  }

  /**
   * {@link #open(String, Path, Map)}, saying whether mounts are shared with other processes on the same
   * home ({@link DriverContext#sharedMounts()}).
   */
  public GraphDriver open(String name, Path root, Map<String, String> options, boolean sharedMounts)
      throws IOException {
    GraphDriverProvider p = providers.get(name);
    if (p == null) {
      throw new InvalidArgumentException("unknown storage driver \"" + name + "\"; available: "
          + String.join(", ", providers().stream().map(GraphDriverProvider::name).toList()));
    }
    DriverContext context = new DriverContext(root.resolve(name), options, sharedMounts);
    Support support = p.probe(context);
    if (!support.supported()) {
      throw new NotSupportedException("driver " + name + " not supported: " + support.reason());
    }
    return p.open(context);
  }

  /**
   * Opens the driver moby's {@code New} would pick for {@code root}: the one with prior state, else the
   * first supported one in priority order.
   *
   * @throws InvalidArgumentException if several drivers have state under {@code root}
   * @throws NotSupportedException if no driver is supported here (the message lists each reason)
   */
  public GraphDriver openDefault(Path root, Map<String, String> options) throws IOException {
    return openDefault(root, options, false);
  }

  /** {@link #openDefault(Path, Map)} with {@link DriverContext#sharedMounts()} as given. */
  public GraphDriver openDefault(Path root, Map<String, String> options, boolean sharedMounts)
      throws IOException {
    return open(choose(root, options), root, options, sharedMounts);
  }

  /** The name {@link #openDefault} would open. */
  public String choose(Path root, Map<String, String> options) throws IOException {
    List<String> prior = priorDrivers(root);
    if (prior.size() > 1) {
      throw new InvalidArgumentException(root + " contains several graphdrivers: "
          + String.join(", ", prior) + "; choose one with --driver (or remove the others)");
    }
    if (prior.size() == 1) {
      return prior.get(0);
    }
    StringBuilder reasons = new StringBuilder();
    for (ProbeResult r : probeAll(root, options)) {
      if (r.installed() && r.support().supported()) {
        return r.name();
      }
      reasons.append("; ").append(r.name()).append(": ").append(r.support().reason());
    }
    throw new NotSupportedException("no storage driver is supported under " + root + reasons);
  }

  /** Registered drivers whose home under {@code root} exists and is not empty (moby scanPriorDrivers). */
  public List<String> priorDrivers(Path root) throws IOException {
    List<String> prior = new ArrayList<>();
    for (GraphDriverProvider p : providers()) {
      Path home = root.resolve(p.name());
      if (Files.isDirectory(home)) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(home)) {
          if (entries.iterator().hasNext()) {
            prior.add(p.name());
          }
        }
      }
    }
    return prior;
  }
}
