package org.unionfs.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.unionfs.testkit.TreeManifest.Entry;

/**
 * Compares two trees entry by entry and fails with every difference listed, as containerd's
 * {@code fstest.CheckDirectoryEqual} does for a snapshot and its flat oracle.
 *
 * <p>Compared: presence, type, permission bits (with setuid, setgid, sticky), uid, gid, size and
 * content of regular files, symlink targets, device numbers, mtimes with nanoseconds (the root's mtime
 * excepted: drivers assemble the root themselves and no diff carries it), every extended attribute,
 * and hardlink groups.
 */
public final class TreeAssert {
  /** At most this many differences are listed in a failure message. */
  private static final int MAX_LISTED = 40;

  private TreeAssert() {}

  /** Fails unless {@code actual} equals {@code expected}. */
  public static void assertTreesEqual(TreeManifest expected, TreeManifest actual, String context) {
    List<String> diffs = differences(expected, actual);
    if (!diffs.isEmpty()) {
      StringBuilder sb = new StringBuilder(context).append(": ").append(diffs.size())
          .append(" difference(s) between the expected tree and the layer's view:\n");
      diffs.stream().limit(MAX_LISTED).forEach(d -> sb.append("  ").append(d).append('\n'));
      if (diffs.size() > MAX_LISTED) {
        sb.append("  ...\n");
      }
      sb.append("expected tree:\n").append(indent(expected.toString()))
          .append("actual tree:\n").append(indent(actual.toString()));
      throw new AssertionError(sb.toString());
    }
  }

  /** Every difference, one line each; empty when the trees are equal. */
  public static List<String> differences(TreeManifest expected, TreeManifest actual) {
    List<String> out = new ArrayList<>();
    for (Entry e : expected.entries().values()) {
      Entry a = actual.get(e.path());
      if (a == null) {
        out.add(e.path() + ": missing (expected " + e.describe() + ")");
      } else {
        compare(e, a, out);
      }
    }
    for (Entry a : actual.entries().values()) {
      if (expected.get(a.path()) == null) {
        out.add(a.path() + ": unexpected " + a.describe());
      }
    }
    Set<List<String>> eg = expected.hardlinkGroups();
    Set<List<String>> ag = actual.hardlinkGroups();
    if (!eg.equals(ag)) {
      out.add("hardlink groups: expected " + eg + ", actual " + ag);
    }
    return out;
  }

  private static void compare(Entry e, Entry a, List<String> out) {
    String p = e.path();
    if (e.type() != a.type()) {
      out.add(p + ": type " + TreeManifest.typeName(a.type()) + ", expected "
          + TreeManifest.typeName(e.type()));
      return;
    }
    if (e.permissions() != a.permissions()) {
      out.add(p + String.format(": mode %04o, expected %04o", a.permissions(), e.permissions()));
    }
    if (e.uid() != a.uid() || e.gid() != a.gid()) {
      out.add(p + ": owner " + a.uid() + ":" + a.gid() + ", expected " + e.uid() + ":" + e.gid());
    }
    if (e.isRegularFile()) {
      if (e.size() != a.size()) {
        out.add(p + ": size " + a.size() + ", expected " + e.size());
      } else if (!Objects.equals(e.digest(), a.digest())) {
        out.add(p + ": content differs (sha256 " + a.digest() + ", expected " + e.digest() + ")");
      }
    }
    if (!Objects.equals(e.target(), a.target())) {
      out.add(p + ": symlink target " + a.target() + ", expected " + e.target());
    }
    if (e.rdev() != a.rdev()) {
      out.add(p + ": rdev " + a.rdev() + ", expected " + e.rdev());
    }
    if (!p.equals("/") && (e.mtimeSec() != a.mtimeSec() || e.mtimeNsec() != a.mtimeNsec())) {
      out.add(p + ": mtime " + a.mtimeSec() + "." + String.format("%09d", a.mtimeNsec())
          + ", expected " + e.mtimeSec() + "." + String.format("%09d", e.mtimeNsec()));
    }
    if (!e.xattrs().equals(a.xattrs())) {
      out.add(p + ": xattrs " + a.xattrs() + ", expected " + e.xattrs());
    }
  }

  private static String indent(String s) {
    StringBuilder sb = new StringBuilder();
    for (String line : s.split("\n")) {
      if (!line.isEmpty()) {
        sb.append("    ").append(line).append('\n');
      }
    }
    return sb.toString();
  }
}
