package org.unionfs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.unionfs.api.Change;
import org.unionfs.api.GraphDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The diff side: {@code apply-diff}, {@code diff}, {@code changes}, {@code diff-size}. Without
 * {@code --parent} the layer is compared with an empty tree (the API's null parent), so {@code diff}
 * and {@code changes} then cover the layer's whole view; pass its parent to get only its own changes.
 */
final class DiffCommands {
  private DiffCommands() {}

  /** ID and --parent, shared by the diff commands. */
  abstract static class LayerAndParent {
    @ParentCommand
    UnionfsCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The layer.")
    String id;

    @Option(names = "--parent", paramLabel = "P",
        description = "The layer to compare with, usually the layer's parent (default: an empty tree).")
    String parentId;

    String parentOrNull() {
      return parentId == null || parentId.isEmpty() ? null : parentId;
    }
  }

  /** {@code apply-diff ID [--parent P] [FILE|-]}: prints the applied size in bytes. */
  @Command(name = "apply-diff", mixinStandardHelpOptions = true,
      description = "Apply a layer tar (plain, gzip or zstd, detected by content) to the layer; "
          + "print the applied size in bytes.")
  static final class ApplyDiff extends LayerAndParent implements Callable<Integer> {
    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE|-", defaultValue = Streams.STDIO,
        description = "The tar; - or nothing for standard input.")
    String file;

    @Override
    public Integer call() throws IOException {
      long size;
      try (GraphDriver driver = parent.openDriver();
           InputStream in = Streams.input(parent.io(), file);
           Progress progress = Progress.start(parent.io(), "apply-diff " + id)) {
        size = driver.applyDiff(id, parentOrNull(), progress.count(in));
      }
      parent.io().out().println(size);
      return Main.OK;
    }
  }

  /** {@code diff ID [--parent P] [FILE|-]}: the layer's changes as an uncompressed tar. */
  @Command(name = "diff", mixinStandardHelpOptions = true,
      description = "Write the layer's changes against --parent as a layer tar (deletions as .wh. whiteouts).")
  static final class Diff extends LayerAndParent implements Callable<Integer> {
    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE|-", defaultValue = Streams.STDIO,
        description = "Where to write the tar; - or nothing for standard output.")
    String file;

    @Override
    public Integer call() throws IOException {
      try (GraphDriver driver = parent.openDriver();
           InputStream tar = driver.diff(id, parentOrNull());
           Streams.Sink sink = Streams.output(parent.io(), file);
           Progress progress = Progress.start(parent.io(), "diff " + id)) {
        tar.transferTo(progress.count(sink.stream()));
        sink.commit();
      }
      return Main.OK;
    }
  }

  /** {@code changes ID [--parent P]}: "A /path", "C /path", "D /path", sorted by path. */
  @Command(name = "changes", mixinStandardHelpOptions = true,
      description = "List the layer's changes against --parent: \"A /path\" (added), \"C /path\" (changed), "
          + "\"D /path\" (deleted), sorted by path.")
  static final class Changes extends LayerAndParent implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      List<Change> changes;
      try (GraphDriver driver = parent.openDriver()) {
        changes = new ArrayList<>(driver.changes(id, parentOrNull()));
      }
      changes.sort(Change.BY_PATH); // the contract says sorted; the output format relies on it
      PrintStream out = parent.io().out();
      for (Change c : changes) {
        out.println(c);
      }
      return Main.OK;
    }
  }

  /** {@code diff-size ID [--parent P]}: the size apply-diff would report for the diff, in bytes. */
  @Command(name = "diff-size", mixinStandardHelpOptions = true,
      description = "Print the size in bytes of the layer's changes against --parent (what apply-diff of "
          + "its diff would print).")
  static final class DiffSize extends LayerAndParent implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
      long size;
      try (GraphDriver driver = parent.openDriver()) {
        size = driver.diffSize(id, parentOrNull());
      }
      parent.io().out().println(size);
      return Main.OK;
    }
  }
}
