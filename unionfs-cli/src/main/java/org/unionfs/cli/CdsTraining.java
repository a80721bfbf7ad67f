package org.unionfs.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;

/**
 * The training run of the class-data archive (AppCDS) that {@code bin/unionfs} keeps beside the jar's
 * cache: run once under {@code -XX:ArchiveClassesAtExit}, it loads the classes a typical command needs
 * (the command line, the vfs driver, the layer-tar engine, the libc binding) by doing the work for real
 * on a throwaway home: create, apply-diff of a small tar with every common entry kind, changes, diff,
 * diff-size, remove. Later runs map those classes from the archive instead of parsing and verifying them.
 *
 * <p>Exit status 0 when every step worked; otherwise 1 and the failed step on stderr (the script then
 * runs without an archive, which is only slower).
 */
public final class CdsTraining {
  private CdsTraining() {}

  /** {@code CdsTraining [SCRATCH_DIR]}: trains in a fresh directory under SCRATCH_DIR (default: tmp). */
  public static void main(String[] args) throws IOException {
    Main.configureLogging(System.getenv());
    Path parent = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
    Path scratch = Files.createTempDirectory(parent, "unionfs-cds-");
    int status;
    try {
      status = train(scratch);
    } finally {
      deleteTree(scratch);
    }
    System.exit(status);
  }

  /** Runs every step in {@code scratch}; returns the exit status. */
  static int train(Path scratch) throws IOException {
    Path tree = scratch.resolve("tree");
    Files.createDirectories(tree.resolve("etc/apt"));
    Files.writeString(tree.resolve("etc/hostname"), "training\n");
    Files.write(tree.resolve("etc/apt/sources.list"), new byte[64 << 10]);
    Files.createSymbolicLink(tree.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
    Files.createLink(tree.resolve("etc/hostname.bak"), tree.resolve("etc/hostname"));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    LayerTar.writeTree(tree, WhiteoutFormat.DELETE, tar);

    String home = scratch.resolve("home").toString();
    List<String[]> steps = new ArrayList<>();
    steps.add(new String[] {"--help"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "create", "base"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "apply-diff", "base"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "create", "child", "--parent", "base"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "changes", "child", "--parent", "base"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "diff", "base"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "diff-size", "base"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "exists", "child"});
    steps.add(new String[] {"--home", home, "--driver", "vfs", "remove", "child"});
    for (String[] step : steps) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Io io = new Io(new ByteArrayInputStream(tar.toByteArray()),
          new PrintStream(out, false, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
          Terminal.stderrIsTerminal());
      int status = Main.run(io, step);
      if (status != Main.OK) {
        System.err.println("unionfs CDS training: '" + String.join(" ", step) + "' exited " + status + ": "
            + err.toString(StandardCharsets.UTF_8).strip());
        return Main.FAILED;
      }
    }
    return Main.OK;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
