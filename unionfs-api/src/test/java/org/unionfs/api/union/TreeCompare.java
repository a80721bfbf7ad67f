package org.unionfs.api.union;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Compares the union with the oracle directory, entry by entry: names, type, mode, owner, size, content,
 * symlink target, device number, link count, {@code user.*} xattrs and modification time (exact where the
 * oracle's time is a fixture or utimens time, "recent" on both sides where an operation set it); then the
 * hard-link structure (same union inode number exactly where the oracle has the same inode) and the
 * stability of inode numbers since the previous comparison.
 */
final class TreeCompare {
  private final Posix posix = Posix.get();
  private Map<String, long[]> previous = Map.of(); // path -> {oracle ino, union ino}

  void compare(UnionFileSystem fs, Path oracle, String step) throws IOException {
    Map<String, long[]> inos = new TreeMap<>();
    walk(fs, oracle, "/", step, inos);
    Map<Long, TreeSet<String>> byOracle = new HashMap<>();
    Map<Long, TreeSet<String>> byUnion = new HashMap<>();
    for (var e : inos.entrySet()) {
      byOracle.computeIfAbsent(e.getValue()[0], k -> new TreeSet<>()).add(e.getKey());
      byUnion.computeIfAbsent(e.getValue()[1], k -> new TreeSet<>()).add(e.getKey());
    }
    for (var e : inos.entrySet()) {
      assertThat(byUnion.get(e.getValue()[1])).as("%s: paths sharing the union inode of %s", step, e.getKey())
          .isEqualTo(byOracle.get(e.getValue()[0]));
      long[] before = previous.get(e.getKey());
      if (before != null) {
        assertThat(before[1] == e.getValue()[1]).as("%s: inode number of %s kept", step, e.getKey())
            .isEqualTo(before[0] == e.getValue()[0]);
      }
    }
    previous = inos;
  }

  private void walk(UnionFileSystem fs, Path oracle, String dir, String step, Map<String, long[]> inos)
      throws IOException {
    Path od = dir.equals("/") ? oracle : oracle.resolve(dir.substring(1));
    List<String> expected = new ArrayList<>();
    for (Path c : LayerFixture.list(od)) {
      expected.add(c.getFileName().toString());
    }
    List<DirEntry> entries = fs.list(dir);
    assertThat(entries.stream().map(DirEntry::name).sorted().toList()).as("%s: names in %s", step, dir)
        .isEqualTo(expected.stream().sorted().toList());
    compareEntry(fs, od, dir, step, inos);
    for (DirEntry e : entries) {
      String p = UnionPaths.child(dir, e.name());
      UnionStat us = fs.getattr(p);
      assertThat(e.ino()).as("%s: readdir inode of %s", step, p).isEqualTo(us.ino());
      assertThat(e.type()).as("%s: readdir type of %s", step, p).isEqualTo(us.type());
      if (us.isDirectory()) {
        walk(fs, oracle, p, step, inos);
      } else {
        compareEntry(fs, od.resolve(e.name()), p, step, inos);
      }
    }
  }

  private void compareEntry(UnionFileSystem fs, Path o, String p, String step, Map<String, long[]> inos)
      throws IOException {
    FileStat os = posix.lstat(o);
    UnionStat us = fs.getattr(p);
    String what = step + ": " + p;
    assertThat(Integer.toOctalString(us.mode())).as("%s mode", what).isEqualTo(Integer.toOctalString(os.mode()));
    assertThat(us.uid()).as("%s uid", what).isEqualTo(os.uid());
    assertThat(us.gid()).as("%s gid", what).isEqualTo(os.gid());
    assertThat(us.nlink()).as("%s nlink", what).isEqualTo(os.nlink());
    if (!os.isDirectory()) {
      assertThat(us.size()).as("%s size", what).isEqualTo(os.size());
    }
    if (os.isCharDevice() || os.isBlockDevice()) {
      assertThat(us.rdev()).as("%s rdev", what).isEqualTo(os.rdev());
    }
    if (os.mtimeSec() < LayerFixture.RECENT) {
      assertThat(us.mtimeSec() + "." + us.mtimeNsec()).as("%s mtime", what)
          .isEqualTo(os.mtimeSec() + "." + os.mtimeNsec());
    } else {
      assertThat(us.mtimeSec()).as("%s mtime is recent", what).isGreaterThanOrEqualTo(LayerFixture.RECENT);
    }
    if (os.isRegularFile()) {
      assertThat(readAll(fs, p)).as("%s content", what).isEqualTo(Files.readAllBytes(o));
    }
    if (os.isSymbolicLink()) {
      assertThat(fs.readlink(p)).as("%s target", what).isEqualTo(Files.readSymbolicLink(o).toString());
    }
    assertThat(userXattrs(fs, p)).as("%s xattrs", what).isEqualTo(oracleXattrs(o));
    inos.put(p, new long[] {os.ino(), us.ino()});
  }

  static byte[] readAll(UnionFileSystem fs, String p) throws IOException {
    long h = fs.open(p, UnionFileSystem.O_RDONLY);
    try {
      long size = fs.fgetattr(h).size();
      ByteBuffer b = ByteBuffer.allocate((int) size + 1);
      int n = fs.read(h, b, 0);
      return Arrays.copyOf(b.array(), n);
    } finally {
      fs.release(h);
    }
  }

  private static Map<String, String> userXattrs(UnionFileSystem fs, String p) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String n : fs.listxattr(p)) {
      if (n.startsWith("user.")) {
        out.put(n, new String(fs.getxattr(p, n)));
      }
    }
    return out;
  }

  private Map<String, String> oracleXattrs(Path o) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (String n : posix.listXattrs(o)) {
      if (n.startsWith("user.")) {
        out.put(n, new String(posix.getXattr(o, n).orElseThrow()));
      }
    }
    return out;
  }
}
