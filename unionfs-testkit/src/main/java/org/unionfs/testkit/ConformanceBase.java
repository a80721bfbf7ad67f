package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.LayerMount;

/**
 * What every group of checks shares: a fresh temporary directory per test with {@code home/} for the
 * driver and {@code work/} for oracles (containerd's {@code makeTest}), the driver opened before each
 * test and closed after it, and small helpers in moby graphtest's style.
 *
 * <p>There is no shared or static driver: every test opens its own.
 */
public abstract class ConformanceBase {
  @TempDir
  Path tmp;

  /** The driver's home, {@code <tmp>/home}; created by the driver. */
  protected Path home;
  /** A scratch directory for oracles and tars, {@code <tmp>/work}. */
  protected Path work;
  /** The driver under test. */
  protected GraphDriver driver;

  private final DriverFactory factory;
  private final List<GraphDriver> opened = new ArrayList<>();

  protected ConformanceBase(DriverFactory factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @BeforeEach
  final void openDriver() throws IOException {
    home = tmp.resolve("home");
    work = Files.createDirectories(tmp.resolve("work"));
    driver = open();
  }

  @AfterEach
  final void closeDrivers() throws Exception {
    Exception first = null;
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (first != null) {
      throw first;
    }
  }

  /** Opens another driver instance on the same home (closed after the test). */
  protected GraphDriver open() throws IOException {
    GraphDriver d = factory.open(home);
    assertThat(d).as("driver factory result").isNotNull();
    opened.add(d);
    return d;
  }

  /** Closes the driver and opens a new instance on the same home, as after a daemon restart. */
  protected GraphDriver reopen() throws IOException {
    driver.close();
    driver = open();
    return driver;
  }

  /** Whether the driver declares {@code capability}. */
  protected boolean has(DriverCapability capability) {
    return driver.capabilities().contains(capability);
  }

  /** Skips the test, with the reason, unless the driver declares {@code capability}. */
  protected void assumeCapability(DriverCapability capability, String why) {
    Assumptions.assumeTrue(has(capability),
        () -> driver.name() + " does not declare " + capability + ": " + why);
  }

  /** Skips the test, with the reason, unless running as root. */
  protected static void assumeRoot(String why) {
    Assumptions.assumeTrue(Host.isRoot(), () -> Host.needsRoot(why));
  }

  /** An action on a layer's mounted view. */
  @FunctionalInterface
  protected interface ViewAction<T> {
    T run(Path root) throws IOException;
  }

  /** Runs {@code action} on the view of {@code id} between a get and its put. */
  protected <T> T withView(String id, ViewAction<T> action) throws IOException {
    try (LayerMount m = driver.mount(id, "")) {
      return action.run(m.path());
    }
  }

  /** The manifest of the view of {@code id}. */
  protected TreeManifest manifestOf(String id) throws IOException {
    return withView(id, TreeManifest::of);
  }

  /** moby {@code addFile}: writes {@code name} with mode 0755 in the view of {@code id}. */
  protected void addFile(String id, String name, byte[] content) throws IOException {
    withView(id, root -> {
      Path p = root.resolve(name);
      Files.createDirectories(p.getParent());
      Files.write(p, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS);
      FsOp.chmod(p, 0755);
      return null;
    });
  }

  /** moby {@code checkFile}: {@code name} in the view of {@code id} holds exactly {@code content}. */
  protected void checkFile(String id, String name, byte[] content) throws IOException {
    byte[] actual = withView(id, root -> Files.readAllBytes(root.resolve(name)));
    assertThat(actual).as("content of %s in layer %s", name, id).isEqualTo(content);
  }

  /** moby {@code checkFileRemoved}: {@code name} does not exist in the view of {@code id}. */
  protected void checkFileRemoved(String id, String name) throws IOException {
    boolean exists = withView(id, root -> Files.exists(root.resolve(name), LinkOption.NOFOLLOW_LINKS));
    assertThat(exists).as("%s still exists in layer %s", name, id).isFalse();
  }

  /** Applies a fixture with a fixed clock to the view of {@code id}. */
  protected void apply(String id, Fixture fixture, Fixture.Clock clock) throws IOException {
    withView(id, root -> {
      fixture.applyTo(root, clock);
      return null;
    });
  }
}
