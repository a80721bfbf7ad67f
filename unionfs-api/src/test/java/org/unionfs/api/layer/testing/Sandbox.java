package org.unionfs.api.layer.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.unionfs.api.posix.Posix;

/**
 * A directory holding a layer and, beside it, files that an apply must never touch.
 *
 * <pre>
 * root/
 *   outside/passwd            "root:x:0:0:outside"   (also hard-linked as layer/shared)
 *   outside/dir/f
 *   layer/                    the layer an apply writes to
 *     existing.txt            "lower"
 *     lowerdir/child, lowerdir/sub/deep
 *     evil    -> ../outside   a symlink already in the layer that leaves it (relative)
 *     evilabs -> root/outside the same, absolute
 *     inlink  -> lowerdir     a symlink that stays inside
 *     shared                  a hardlink of outside/passwd
 * </pre>
 * Every entry gets the mtime {@link #MTIME} so that any write shows in a {@link TreeSnapshot}.
 */
public final class Sandbox {
  /** The mtime (seconds) of every pre-existing entry. */
  public static final long MTIME = 1_000_000_000L;

  public final Path root;
  public final Path outside;
  public final Path layer;

  private Sandbox(Path root) {
    this.root = root;
    this.outside = root.resolve("outside");
    this.layer = root.resolve("layer");
  }

  /** Creates the layout above in {@code dir} (which must exist and be empty). */
  public static Sandbox create(Path dir) throws IOException {
    Sandbox s = new Sandbox(dir);
    Files.createDirectories(s.outside.resolve("dir"));
    write(s.outside.resolve("passwd"), "root:x:0:0:outside\n");
    write(s.outside.resolve("dir/f"), "outside-f\n");
    Files.createDirectories(s.layer.resolve("lowerdir/sub"));
    write(s.layer.resolve("existing.txt"), "lower\n");
    write(s.layer.resolve("lowerdir/child"), "child\n");
    write(s.layer.resolve("lowerdir/sub/deep"), "deep\n");
    Files.createSymbolicLink(s.layer.resolve("evil"), Path.of("../outside"));
    Files.createSymbolicLink(s.layer.resolve("evilabs"), s.outside);
    Files.createSymbolicLink(s.layer.resolve("inlink"), Path.of("lowerdir"));
    Files.createLink(s.layer.resolve("shared"), s.outside.resolve("passwd"));
    List<Path> all = new ArrayList<>();
    try (Stream<Path> w = Files.walk(dir)) {
      w.forEach(all::add);
    }
    all.sort(Comparator.comparingInt(Path::getNameCount).reversed()); // children before parents
    for (Path p : all) {
      Posix.get().setTimes(p, MTIME, 0, MTIME, 0);
    }
    return s;
  }

  /** A path inside the layer. */
  public Path layer(String rel) {
    return layer.resolve(rel);
  }

  /** The absolute host path of {@code rel} under the sandbox root, as a string for tar entries. */
  public String abs(String rel) {
    return root.resolve(rel).toString();
  }

  /** The whole sandbox, the root's own mtime left out (temporary siblings may come and go). */
  public TreeSnapshot snapshot() throws IOException {
    return TreeSnapshot.of(root).withoutMtime(e -> e.path().equals("/"));
  }

  /** Everything outside the layer, without hardlink groups (the layer may break the link to shared). */
  public TreeSnapshot outsideSnapshot() throws IOException {
    return TreeSnapshot.of(root).withoutTree("/layer").withoutMtime(e -> e.path().equals("/"))
        .map(e -> e.withHardlink(null));
  }

  private static void write(Path p, String s) throws IOException {
    Files.write(p, s.getBytes(StandardCharsets.UTF_8));
  }
}
