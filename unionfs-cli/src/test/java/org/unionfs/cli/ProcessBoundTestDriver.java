package org.unionfs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;

/**
 * The vfs driver declaring {@link DriverCapability#PROCESS_BOUND_MOUNTS}, registered in the test class
 * path as "vfs-bound", so that the command line's foreground {@code get} can be tested without FUSE. It
 * appends "get ID", "put ID" and "close" to {@code <root>/vfs-bound.events} so a test sees what the
 * holder process did.
 */
final class ProcessBoundTestDriver implements GraphDriver {
  static final String NAME = "vfs-bound";

  private final GraphDriver vfs;
  private final Path events;

  private ProcessBoundTestDriver(GraphDriver vfs, Path events) {
    this.vfs = vfs;
    this.events = events;
  }

  /** The events file of the test driver under {@code root}. */
  static Path events(Path root) {
    return root.resolve(NAME + ".events");
  }

  /** The provider. */
  public static final class Provider implements GraphDriverProvider {
    private static GraphDriverProvider vfsProvider() {
      for (GraphDriverProvider p : ServiceLoader.load(GraphDriverProvider.class)) {
        if (p.name().equals("vfs")) {
          return p;
        }
      }
      throw new IllegalStateException("the vfs driver is not on the test class path");
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public Set<DriverCapability> capabilities() {
      Set<DriverCapability> caps = EnumSet.of(DriverCapability.PROCESS_BOUND_MOUNTS);
      caps.addAll(vfsProvider().capabilities());
      return caps;
    }

    @Override
    public Support probe(DriverContext context) {
      return vfsProvider().probe(context);
    }

    @Override
    public GraphDriver open(DriverContext context) throws IOException {
      return new ProcessBoundTestDriver(vfsProvider().open(context), events(context.home().getParent()));
    }
  }

  private void record(String event) throws IOException {
    Files.writeString(events, event + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<DriverCapability> capabilities() {
    Set<DriverCapability> caps = EnumSet.of(DriverCapability.PROCESS_BOUND_MOUNTS);
    caps.addAll(vfs.capabilities());
    return caps;
  }

  @Override
  public Path get(String id, String mountLabel) throws IOException {
    Path p = vfs.get(id, mountLabel);
    record("get " + id);
    return p;
  }

  @Override
  public void put(String id) throws IOException {
    vfs.put(id);
    record("put " + id);
  }

  @Override
  public void close() throws IOException {
    vfs.close();
    record("close");
  }

  @Override
  public void create(String id, String parent, CreateOptions options) throws IOException {
    vfs.create(id, parent, options);
  }

  @Override
  public void createReadWrite(String id, String parent, CreateOptions options) throws IOException {
    vfs.createReadWrite(id, parent, options);
  }

  @Override
  public void remove(String id) throws IOException {
    vfs.remove(id);
  }

  @Override
  public boolean exists(String id) {
    return vfs.exists(id);
  }

  @Override
  public DriverStatus status() throws IOException {
    return vfs.status();
  }

  @Override
  public Map<String, String> metadata(String id) throws IOException {
    return vfs.metadata(id);
  }

  @Override
  public InputStream diff(String id, String parent) throws IOException {
    return vfs.diff(id, parent);
  }

  @Override
  public List<Change> changes(String id, String parent) throws IOException {
    return vfs.changes(id, parent);
  }

  @Override
  public long applyDiff(String id, String parent, InputStream tar) throws IOException {
    return vfs.applyDiff(id, parent, tar);
  }

  @Override
  public long diffSize(String id, String parent) throws IOException {
    return vfs.diffSize(id, parent);
  }
}
