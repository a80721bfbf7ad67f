package org.unionfs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * What two extracted trees must agree on, entry by entry, at tar precision: type, permission bits (with
 * setuid/setgid/sticky), owner, size and SHA-256 of regular files, symlink target, device number, mtime
 * in whole seconds, every xattr, and which paths share an inode. The root itself is left out: its
 * metadata belongs to whoever made the directory, not to the layer.
 */
final class TreeFacts {
  private TreeFacts() {}

  /** One line of facts per relative path, plus "hardlinks" lines for groups of paths sharing an inode. */
  static SortedMap<String, String> of(Path root, boolean withXattrs) throws IOException {
    SortedMap<String, String> facts = new TreeMap<>();
    Map<String, TreeSet<String>> byInode = new TreeMap<>();
    Posix posix = Posix.get();
    List<Path> paths;
    try (Stream<Path> s = Files.walk(root)) {
      paths = s.filter(p -> !p.equals(root)).toList();
    }
    for (Path p : paths) {
      String rel = root.relativize(p).toString();
      FileStat st = posix.lstat(p);
      StringBuilder b = new StringBuilder(String.format("type %o mode %04o owner %d:%d", st.type(),
          st.permissions(), st.uid(), st.gid()));
      if (st.isRegularFile()) {
        b.append(" size ").append(st.size()).append(" sha256 ").append(sha256(p));
        if (st.nlink() > 1) {
          byInode.computeIfAbsent(st.dev() + ":" + st.ino(), k -> new TreeSet<>()).add(rel);
        }
      } else if (st.isSymbolicLink()) {
        b.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (st.isCharDevice() || st.isBlockDevice()) {
        b.append(" rdev ").append(st.rdevMajor()).append(',').append(st.rdevMinor());
      }
      b.append(" mtime ").append(st.mtimeSec());
      if (withXattrs) {
        SortedMap<String, String> xattrs = new TreeMap<>();
        for (String name : posix.listXattrs(p)) {
          posix.getXattr(p, name).ifPresent(v -> xattrs.put(name, HexFormat.of().formatHex(v)));
        }
        if (!xattrs.isEmpty()) {
          b.append(" xattrs ").append(xattrs);
        }
      }
      facts.put(rel, b.toString());
    }
    for (TreeSet<String> group : byInode.values()) {
      if (group.size() > 1) {
        facts.put("\0hardlinks " + group.first(), String.join(" = ", group));
      }
    }
    return facts;
  }

  /** Every difference between two fact maps, one line each; empty when they agree. */
  static List<String> differences(SortedMap<String, String> expected, SortedMap<String, String> actual) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String a = actual.get(e.getKey());
      if (a == null) {
        out.add(e.getKey() + ": missing (expected " + e.getValue() + ")");
      } else if (!a.equals(e.getValue())) {
        out.add(e.getKey() + ": " + a + ", expected " + e.getValue());
      }
    }
    for (Map.Entry<String, String> a : actual.entrySet()) {
      if (!expected.containsKey(a.getKey())) {
        out.add(a.getKey() + ": unexpected " + a.getValue());
      }
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
