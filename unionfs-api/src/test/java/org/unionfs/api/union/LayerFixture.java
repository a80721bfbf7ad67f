package org.unionfs.api.union;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.fs.TreeCopier;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.union.UnionConfig.WhiteoutFormat;

/**
 * Builds a stack of lower branches the way image layers are made: each layer records random changes to a
 * plain "oracle" directory (added and modified entries copied, deletions as whiteouts of the layer's
 * format, replaced directories as opaque ones), so that the union of the layers must look exactly like the
 * oracle. Old fixed times everywhere, so that later changes are told apart from the fixture.
 */
final class LayerFixture {
  /** 2001-09-09: fixture times; anything after {@link #RECENT} was made by the test run. */
  static final long OLD = 1_000_000_000L;
  static final long RECENT = 1_500_000_000L;

  private final Random rnd;
  private final Path oracle;
  private final Posix posix = Posix.get();
  private int counter;
  /** Paths deleted or replaced in some layer: names that lower whiteouts hide. */
  final List<String> deleted = new ArrayList<>();

  LayerFixture(Random rnd, Path oracle) {
    this.rnd = rnd;
    this.oracle = oracle;
  }

  /** Adds one layer on top: {@code changes} random changes recorded in {@code layer} (an empty dir). */
  void addLayer(Path layer, WhiteoutFormat format, int changes) throws IOException {
    for (int i = 0; i < changes; i++) {
      List<String> dirs = entries(true);
      List<String> all = entries(false);
      int op = rnd.nextInt(10);
      if (op <= 3 || all.isEmpty()) {
        String p = child(pick(dirs));
        if (rnd.nextInt(4) == 0) {
          mkdirs(layer, p);
          Files.createDirectory(oracle.resolve(rel(p)));
          ensureFresh(layer, p, format, true);
        } else {
          writeFile(oracle.resolve(rel(p)));
          ensureFresh(layer, p, format, false);
          copy(layer, p);
        }
      } else if (op <= 5) {
        List<String> files = all.stream().filter(p -> isRegular(p)).toList();
        if (files.isEmpty()) {
          continue;
        }
        String p = pick(files);
        modifyFile(oracle.resolve(rel(p)));
        FileTrees.deleteTree(layer.resolve(rel(p)));
        copy(layer, p);
      } else if (op <= 7) {
        String p = pick(all);
        deleted.add(p);
        FileTrees.deleteTree(oracle.resolve(rel(p)));
        mkdirs(layer, UnionPaths.parent(p));
        FileTrees.deleteTree(layer.resolve(rel(p)));
        whiteout(layer, p, format);
      } else if (op == 8) {
        List<String> sub = dirs.stream().filter(d -> !d.equals("/")).toList();
        if (sub.isEmpty()) {
          continue;
        }
        String d = pick(sub);
        collect(d, false, deleted);
        FileTrees.deleteTree(oracle.resolve(rel(d)));
        Files.createDirectory(oracle.resolve(rel(d)));
        FileTrees.deleteTree(layer.resolve(rel(d)));
        mkdirs(layer, d);
        opaque(layer.resolve(rel(d)), format);
        String f = child(d);
        writeFile(oracle.resolve(rel(f)));
        copy(layer, f);
      } else {
        String p = child(pick(dirs));
        if (rnd.nextBoolean()) {
          Files.createSymbolicLink(oracle.resolve(rel(p)), Path.of("target-" + rnd.nextInt(5)));
        } else {
          posix.mknod(oracle.resolve(rel(p)), FileStat.S_IFIFO | 0640, 0);
        }
        posix.setTimes(oracle.resolve(rel(p)), OLD, 0, OLD + rnd.nextInt(1000), rnd.nextInt(1_000_000_000));
        ensureFresh(layer, p, format, false);
        copy(layer, p);
      }
    }
    syncDirectories(layer, "/");
  }

  /** A layer may hold a whiteout at a name it now adds: drop it (a re-added directory becomes opaque). */
  private void ensureFresh(Path layer, String p, WhiteoutFormat format, boolean dir) throws IOException {
    Path dest = layer.resolve(rel(p));
    Path aufsWh = dest.resolveSibling(".wh." + dest.getFileName());
    boolean hadWhiteout = Files.deleteIfExists(aufsWh);
    Optional<FileStat> there = posix.lstatIfExists(dest);
    if (there.isPresent() && there.get().isOverlayWhiteout()) {
      Files.delete(dest);
      hadWhiteout = true;
    }
    if (dir) {
      Files.createDirectories(dest);
      if (hadWhiteout) {
        opaque(dest, format);
      }
    }
  }

  private void whiteout(Path layer, String p, WhiteoutFormat format) throws IOException {
    Path dest = layer.resolve(rel(p));
    if (format == WhiteoutFormat.AUFS) {
      Files.createFile(dest.resolveSibling(".wh." + dest.getFileName()));
    } else {
      posix.mknod(dest, FileStat.S_IFCHR, 0);
    }
  }

  private void opaque(Path dir, WhiteoutFormat format) throws IOException {
    if (format == WhiteoutFormat.AUFS) {
      Files.createFile(dir.resolve(".wh..wh..opq"));
    } else {
      posix.setXattr(dir, "trusted.overlay.opaque", new byte[] {'y'});
    }
  }

  private void copy(Path layer, String p) throws IOException {
    mkdirs(layer, UnionPaths.parent(p));
    TreeCopier.copyEntry(oracle.resolve(rel(p)), layer.resolve(rel(p)));
  }

  private void mkdirs(Path layer, String dir) throws IOException {
    Files.createDirectories(layer.resolve(rel(dir)));
  }

  /** Gives every directory of the layer the metadata of the oracle's directory (the top one shows). */
  private void syncDirectories(Path layer, String dir) throws IOException {
    Path l = layer.resolve(rel(dir));
    Path o = oracle.resolve(rel(dir));
    for (Path c : list(l)) {
      if (Files.isDirectory(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        syncDirectories(layer, UnionPaths.child(dir, c.getFileName().toString()));
      }
    }
    Optional<FileStat> os = posix.lstatIfExists(o);
    if (os.isPresent() && os.get().isDirectory()) {
      posix.setTimes(o, OLD + rnd.nextInt(1000), rnd.nextInt(1_000_000_000), OLD + rnd.nextInt(1000),
          rnd.nextInt(1_000_000_000));
      FileStat s = posix.lstat(o);
      posix.lchown(l, s.uid(), s.gid());
      OracleLibc.chmod(l, s.permissions());
      for (String x : posix.listXattrs(o)) {
        posix.setXattr(l, x, posix.getXattr(o, x).orElseThrow());
      }
      posix.setTimes(l, s.atimeSec(), s.atimeNsec(), s.mtimeSec(), s.mtimeNsec());
    }
  }

  private void writeFile(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] data = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(20000)];
      rnd.nextBytes(data);
      long at = rnd.nextInt(5) == 0 ? rnd.nextInt(1 << 20) : 0; // sometimes a leading hole
      ch.write(ByteBuffer.wrap(data), at);
    }
    OracleLibc.chmod(f, rnd.nextBoolean() ? 0644 : 0600 | rnd.nextInt(8));
    if (rnd.nextInt(3) == 0) {
      posix.setXattr(f, "user.layer", ("v" + rnd.nextInt(100)).getBytes());
    }
    posix.setTimes(f, OLD, 0, OLD + rnd.nextInt(100000), rnd.nextInt(1_000_000_000));
  }

  private void modifyFile(Path f) throws IOException {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      byte[] data = new byte[1 + rnd.nextInt(5000)];
      rnd.nextBytes(data);
      ch.write(ByteBuffer.wrap(data), rnd.nextInt(10000));
    }
    posix.setTimes(f, OLD, 0, OLD + rnd.nextInt(100000), rnd.nextInt(1_000_000_000));
  }

  private boolean isRegular(String p) {
    return Files.isRegularFile(oracle.resolve(rel(p)), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  private String child(String dir) {
    return UnionPaths.child(dir, "n" + (counter++) + (rnd.nextInt(6) == 0 ? "-ü" : ""));
  }

  private String pick(List<String> l) {
    return l.get(rnd.nextInt(l.size()));
  }

  /** Union paths of the oracle's entries (directories only if {@code dirs}), root included for dirs. */
  List<String> entries(boolean dirs) throws IOException {
    List<String> out = new ArrayList<>();
    if (dirs) {
      out.add("/");
    }
    collect("/", dirs, out);
    return out;
  }

  private void collect(String dir, boolean dirsOnly, List<String> out) throws IOException {
    for (Path c : list(oracle.resolve(rel(dir)))) {
      String p = UnionPaths.child(dir, c.getFileName().toString());
      boolean isDir = Files.isDirectory(c, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (isDir || !dirsOnly) {
        out.add(p);
      }
      if (isDir) {
        collect(p, dirsOnly, out);
      }
    }
  }

  static List<Path> list(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  static String rel(String unionPath) {
    return unionPath.substring(1);
  }
}
