package org.unionfs.cli;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.LayerIds;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code export ID [FILE|-]}: the layer's full view as one flat tar, as {@code docker export} writes a
 * container: get, {@link LayerTar#writeTree} with {@link WhiteoutFormat#DELETE} (the view has no
 * whiteouts left), put. A layer already held by {@code unionfs get} is read through that mount instead
 * of being assembled a second time.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write the layer's full view (all its ancestors applied) as one flat tar, like docker export.")
final class ExportCommand implements Callable<Integer> {
  @ParentCommand
  UnionfsCommand parent;

  @Parameters(index = "0", paramLabel = "ID")
  String id;

  @Parameters(index = "1", arity = "0..1", paramLabel = "FILE|-", defaultValue = Streams.STDIO,
      description = "Where to write the tar; - or nothing for standard output.")
  String file;

  @Override
  public Integer call() throws IOException {
    LayerIds.require(id);
    try (GraphDriver driver = parent.openDriver()) {
      Optional<Path> held = heldPath(driver);
      Path view = held.isPresent() ? held.get() : driver.get(id, "");
      try (Streams.Sink sink = Streams.output(parent.io(), file);
           Progress progress = Progress.start(parent.io(), "export " + id)) {
        LayerTar.writeTree(view, WhiteoutFormat.DELETE, progress.count(sink.stream()));
        sink.commit();
      } finally {
        if (held.isEmpty()) {
          driver.put(id);
        }
      }
    }
    return Main.OK;
  }

  private Optional<Path> heldPath(GraphDriver driver) throws IOException {
    Holds holds = new Holds(parent.home(), driver.name());
    FileLock lock = holds.lock();
    try {
      return GetPutCommands.current(holds, driver, id).map(Holds.Hold::path);
    } finally {
      Holds.unlock(lock);
    }
  }
}
