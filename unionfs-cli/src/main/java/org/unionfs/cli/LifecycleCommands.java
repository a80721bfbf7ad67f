package org.unionfs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileLock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.LayerInUseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The layer lifecycle: {@code create}, {@code create-rw}, {@code remove}, {@code exists}, {@code metadata}. */
final class LifecycleCommands {
  private LifecycleCommands() {}

  /** What {@code create} and {@code create-rw} share. */
  abstract static class CreateBase implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The new layer's id.")
    String id;

    @Option(names = "--parent", paramLabel = "P", description = "The parent layer (default: none, empty).")
    String parentId;

    @Option(names = "--storage-opt", paramLabel = "KEY=VALUE",
        description = "A per-layer storage option, e.g. size=100M where the driver has quotas (repeatable).")
    Map<String, String> storageOptions = new LinkedHashMap<>();

    abstract void create(GraphDriver driver, String id, String parent, CreateOptions options) throws IOException;

    @Override
    public Integer call() throws IOException {
      try (GraphDriver driver = parent.openDriver()) {
        create(driver, id, parentId, CreateOptions.withStorageOptions(storageOptions));
      }
      return Main.OK;
    }
  }

  /** {@code create ID [--parent P]}: an image (read-only) layer. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a read-only (image) layer, empty or on top of --parent.")
  static final class Create extends CreateBase {
    @Override
    void create(GraphDriver driver, String id, String parent, CreateOptions options) throws IOException {
      driver.create(id, parent, options);
    }
  }

  /** {@code create-rw ID [--parent P]}: a container (read-write) layer. */
  @Command(name = "create-rw", mixinStandardHelpOptions = true,
      description = "Create a read-write (container) layer, empty or on top of --parent.")
  static final class CreateReadWrite extends CreateBase {
    @Override
    void create(GraphDriver driver, String id, String parent, CreateOptions options) throws IOException {
      driver.createReadWrite(id, parent, options);
    }
  }

  /** {@code remove ID}: refused while the layer has children or is held by {@code unionfs get}. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a layer; refused if it has children or is held by 'unionfs get'.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
      try (GraphDriver driver = parent.openDriver()) {
        LayerIds.require(id);
        Holds holds = new Holds(parent.home(), driver.name());
        FileLock lock = holds.lock();
        try {
          // A stale hold (its holder process died, its mount is gone) does not block the removal.
          Optional<Holds.Hold> hold = GetPutCommands.current(holds, driver, id);
          if (hold.isPresent()) {
            throw new LayerInUseException("remove layer " + id + ": held by 'unionfs get' ("
                + hold.get().count() + " reference(s)); run 'unionfs put " + id + "' first");
          }
          driver.remove(id);
          holds.delete(id); // a stale record of a layer that no longer existed
        } finally {
          Holds.unlock(lock);
        }
      }
      return Main.OK;
    }
  }

  /** {@code exists ID}: prints true (exit 0) or false (exit 1, no message). */
  @Command(name = "exists", mixinStandardHelpOptions = true,
      description = "Print true and exit 0 if the layer exists, else print false and exit 1.")
  static final class Exists implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
      LayerIds.require(id); // a malformed id is an error, not a "no"
      boolean exists;
      try (GraphDriver driver = parent.openDriver()) {
        exists = driver.exists(id);
      }
      parent.io().out().println(exists);
      return exists ? Main.OK : Main.FAILED;
    }
  }

  /** {@code metadata ID}: the driver's facts about the layer, one "key: value" line each. */
  @Command(name = "metadata", mixinStandardHelpOptions = true,
      description = "The driver-specific facts about a layer (docker inspect's GraphDriver.Data), "
          + "one \"Key: value\" line each, sorted by key.")
  static final class Metadata implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws IOException {
      try (GraphDriver driver = parent.openDriver()) {
        PrintStream out = parent.io().out();
        // Sorted by key, as Docker prints GraphDriver.Data (a JSON object), whatever map the driver returns.
        for (Map.Entry<String, String> e : new TreeMap<>(driver.metadata(id)).entrySet()) {
          out.println(e.getKey() + ": " + Errors.oneLine(e.getValue()));
        }
      }
      return Main.OK;
    }
  }
}
