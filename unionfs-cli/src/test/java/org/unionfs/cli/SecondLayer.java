package org.unionfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Builds, in a staging directory, the second layer of the root-filesystem checks: over any base tree it
 * modifies 20 files, deletes 20 files and 2 directories (whiteouts {@code .wh.NAME}), replaces one
 * directory by an opaque one ({@code .wh..wh..opq} plus new content) and adds a tree with a setuid file,
 * a symlink, a hardlink pair, a fifo, a long and a non-ASCII name and an xattr. Every directory the
 * layer touches is staged with its base metadata, as a layer tar written by Docker carries it.
 *
 * <p>{@link #applyWhiteouts} gives the expected tree its half of the layer semantics (deletions); GNU tar
 * extracting the staged layer without its {@code .wh.} entries gives the other half.
 */
final class SecondLayer {
  static final int CHANGED_FILES = 20;
  private static final long MTIME = 1_650_000_000L;

  private final List<String> whiteouts = new ArrayList<>(); // relative paths deleted
  private final List<String> opaqueDirs = new ArrayList<>();

  /** Paths the layer deletes (files and directories), relative. */
  List<String> whiteouts() {
    return whiteouts;
  }

  /** Directories the layer makes opaque, relative. */
  List<String> opaqueDirs() {
    return opaqueDirs;
  }

  /** Stages the layer over {@code base} in the empty directory {@code staging}. */
  static SecondLayer stage(Path base, Path staging) throws IOException, InterruptedException {
    SecondLayer layer = new SecondLayer();
    List<Path> dirs = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    Posix posix = Posix.get();
    try (Stream<Path> all = Files.walk(base)) {
      for (Path p : (Iterable<Path>) all.sorted()::iterator) {
        if (p.equals(base)) {
          continue;
        }
        FileStat st = posix.lstat(p);
        Path rel = base.relativize(p);
        if (st.isDirectory() && rel.getNameCount() >= 2 && countChildren(p) >= 2) {
          dirs.add(rel);
        } else if (st.isRegularFile() && st.nlink() == 1 && rel.getNameCount() >= 2) {
          files.add(rel);
        }
      }
    }
    if (dirs.size() < 6 || files.size() < 8 * CHANGED_FILES) {
      throw new IllegalStateException("base tree too small: " + dirs.size() + " dirs, " + files.size() + " files");
    }
    // Three directories far apart and not nested: two deleted, one made opaque.
    List<Path> picked = new ArrayList<>();
    for (int i = dirs.size() / 4; i < dirs.size() && picked.size() < 3; i += Math.max(1, dirs.size() / 7)) {
      Path d = dirs.get(i);
      if (picked.stream().noneMatch(o -> d.startsWith(o) || o.startsWith(d))) {
        picked.add(d);
      }
    }
    List<Path> candidates = files.stream().filter(f -> picked.stream().noneMatch(f::startsWith)).toList();
    int step = candidates.size() / (2 * CHANGED_FILES + 1);
    for (int i = 0; i < CHANGED_FILES; i++) {
      Path modified = candidates.get(2 * i * step);
      Path target = staging.resolve(modified.toString());
      Files.createDirectories(target.getParent());
      Files.writeString(target, "modified by the second layer: " + modified + "\n", StandardCharsets.UTF_8);
      copyOwnerAndMode(base.resolve(modified.toString()), target);
      setMtime(target, MTIME + i);
      layer.whiteout(staging, candidates.get(2 * i * step + 1));
    }
    layer.whiteout(staging, picked.get(0));
    layer.whiteout(staging, picked.get(1));
    Path opaque = picked.get(2);
    layer.opaqueDirs.add(opaque.toString());
    Path od = staging.resolve(opaque.toString());
    Files.createDirectories(od.resolve("sub"));
    Files.writeString(od.resolve(".wh..wh..opq"), "");
    Files.writeString(od.resolve("fresh.txt"), "new content of an opaque directory\n");
    Files.writeString(od.resolve("sub/inner.txt"), "inner\n");
    setMtime(od.resolve("sub"), MTIME);
    addTree(staging.resolve("added-by-layer2"));
    copyDirMetadata(base, staging);
    return layer;
  }

  private void whiteout(Path staging, Path deleted) throws IOException {
    whiteouts.add(deleted.toString());
    Path parent = staging.resolve(deleted.toString()).getParent();
    Files.createDirectories(parent);
    Files.writeString(parent.resolve(".wh." + deleted.getFileName()), "");
  }

  private static void addTree(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("nested/deeper"));
    Posix posix = Posix.get();
    Path suid = Files.writeString(dir.resolve("setuid-tool"), "#!/bin/sh\necho tool\n");
    Files.setAttribute(suid, "unix:mode", 04755);
    Files.createSymbolicLink(dir.resolve("link-to-tool"), Path.of("setuid-tool"));
    Files.createSymbolicLink(dir.resolve("absolute-link"), Path.of("/etc/hostname"));
    Path a = Files.writeString(dir.resolve("nested/hard-a"), "shared inode\n");
    Files.createLink(dir.resolve("nested/hard-b"), a);
    Files.writeString(dir.resolve("caf\u00e9-\u65e5\u672c\u8a9e.txt"), "non-ASCII name\n");
    Files.writeString(dir.resolve("nested/deeper/" + "long-name-".repeat(14) + "end"), "a name over 100 bytes\n");
    Path tagged = Files.writeString(dir.resolve("with-xattr"), "xattr\n");
    posix.setXattr(tagged, "user.unionfs.test", "value".getBytes(StandardCharsets.UTF_8));
    Shell.bash("mkfifo " + Shell.q(dir.resolve("fifo")));
    Path sticky = Files.createDirectories(dir.resolve("sticky"));
    Files.setAttribute(sticky, "unix:mode", 01777);
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        posix.lchown(p, 1000, 1000);
        setMtime(p, MTIME + 7);
      }
    }
  }

  /** Every staged directory that exists in the base gets the base's mode, owner and mtime (deepest first). */
  private static void copyDirMetadata(Path base, Path staging) throws IOException {
    List<Path> dirs;
    try (Stream<Path> all = Files.walk(staging)) {
      dirs = all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.reverseOrder()).toList();
    }
    for (Path d : dirs) {
      Path rel = staging.relativize(d);
      Path b = base.resolve(rel.toString());
      if (!d.equals(staging) && Files.isDirectory(b, LinkOption.NOFOLLOW_LINKS)) {
        copyOwnerAndMode(b, d);
        FileStat st = Posix.get().lstat(b);
        Posix.get().setTimes(d, 0, Posix.UTIME_OMIT, st.mtimeSec(), st.mtimeNsec());
      }
    }
  }

  private static void copyOwnerAndMode(Path from, Path to) throws IOException {
    FileStat st = Posix.get().lstat(from);
    Posix.get().lchown(to, st.uid(), st.gid());
    Files.setAttribute(to, "unix:mode", st.permissions());
  }

  private static void setMtime(Path p, long sec) throws IOException {
    Posix.get().setTimes(p, 0, Posix.UTIME_OMIT, sec, 0);
  }

  private static int countChildren(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return (int) s.limit(2).count();
    }
  }

  /**
   * The deletions of this layer applied to {@code expected} (a copy of the base): whiteouts delete,
   * opaque markers empty the directory.
   */
  void applyWhiteouts(Path expected) throws IOException, InterruptedException {
    StringBuilder script = new StringBuilder();
    for (String w : whiteouts) {
      script.append("rm -rf -- ").append(Shell.q(expected.resolve(w))).append('\n');
    }
    for (String o : opaqueDirs) {
      script.append("find ").append(Shell.q(expected.resolve(o))).append(" -mindepth 1 -delete\n");
    }
    Shell.bash(script.toString());
  }
}
