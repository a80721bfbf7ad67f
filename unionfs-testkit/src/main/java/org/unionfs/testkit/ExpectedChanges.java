package org.unionfs.testkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.unionfs.api.Change;
import org.unionfs.api.ChangeKind;
import org.unionfs.api.posix.FileStat;
import org.unionfs.testkit.TreeManifest.Entry;

/**
 * The oracle for the diff side: what {@code changes}, {@code diffSize} and a diff round trip must give,
 * derived from manifests of the parent's and the layer's expected trees with moby's rules
 * ({@code pkg/archive/changes.go}: {@code addChanges} and {@code statDifferent}).
 */
public final class ExpectedChanges {
  private static final String CAPABILITY = "security.capability";

  private ExpectedChanges() {}

  /**
   * The changes of {@code layer} against {@code parent}, sorted by path: Add for paths only in the
   * layer (each descendant too), Delete for the top of every subtree only in the parent, Modify where
   * mode, owner, rdev or {@code security.capability} differ, or for non-directories mtime (whole-second
   * tolerant) or size; and Modify for every directory (not the root) with a change inside it.
   */
  public static List<Change> between(TreeManifest parent, TreeManifest layer) {
    List<Change> out = new ArrayList<>();
    if (layer.get("/") == null) {
      return out;
    }
    addChanges(layer, "/", parent, parent.get("/") == null ? null : "/", false, out);
    out.sort(Change.BY_PATH);
    return out;
  }

  private static void addChanges(TreeManifest layer, String path, TreeManifest parent,
      String oldPath, boolean added, List<Change> out) {
    int sizeAtEntry = out.size();
    Entry info = layer.get(path);
    if (oldPath == null && !path.equals("/")) {
      out.add(Change.add(path));
      added = true;
    }
    // Old children are only compared when the new entry is a directory: a file that replaced a
    // directory hides the old subtree wholesale ("any previous delete/change is recursive").
    Set<String> oldChildren = new HashSet<>();
    if (oldPath != null && info.isDirectory()) {
      for (String c : parent.children(oldPath)) {
        oldChildren.add(name(c));
      }
    }
    for (String child : layer.children(path)) {
      String n = name(child);
      String oldChild = null;
      boolean childAdded = false;
      if (oldChildren.remove(n)) {
        oldChild = child;
        if (statDifferent(parent.get(oldChild), layer.get(child))) {
          out.add(Change.modify(child));
          childAdded = true;
        }
      }
      addChanges(layer, child, parent, oldChild, childAdded, out);
    }
    for (String n : oldChildren) {
      out.add(Change.delete(path.equals("/") ? "/" + n : path + "/" + n));
    }
    if (out.size() > sizeAtEntry && info.isDirectory() && !added && !path.equals("/")) {
      out.add(sizeAtEntry, Change.modify(path));
    }
  }

  /** moby {@code statDifferent} plus the capability comparison of {@code addChanges}. */
  static boolean statDifferent(Entry o, Entry n) {
    int oldMode = o.type() | o.permissions();
    int newMode = n.type() | n.permissions();
    if (oldMode != newMode || o.uid() != n.uid() || o.gid() != n.gid() || o.rdev() != n.rdev()) {
      return true;
    }
    // moby tests the directory bit, not the type: block devices and sockets share it, so their
    // mtime and size are ignored as well.
    if ((oldMode & FileStat.S_IFDIR) != FileStat.S_IFDIR) {
      boolean sameTime = o.mtimeSec() == n.mtimeSec()
          && (o.mtimeNsec() == n.mtimeNsec() || o.mtimeNsec() == 0 || n.mtimeNsec() == 0);
      if (!sameTime || o.size() != n.size()) {
        return true;
      }
    }
    String oc = o.xattrs().get(CAPABILITY);
    String nc = n.xattrs().get(CAPABILITY);
    return oc == null ? nc != null : !oc.equals(nc);
  }

  /**
   * The bytes {@code applyDiff} returns for a diff with these changes, which {@code diffSize} must
   * report too: the sizes of the regular files added or modified, each inode once (later paths of an
   * inode travel as hardlinks of size 0).
   */
  public static long size(TreeManifest layer, List<Change> changes) {
    long size = 0;
    Set<String> seen = new HashSet<>();
    for (Change c : changes) {
      Entry e = layer.get(c.path());
      if (c.kind() != ChangeKind.DELETE && e != null && e.isRegularFile() && seen.add(e.inode())) {
        size += e.size();
      }
    }
    return size;
  }

  /**
   * What a fresh child of the parent must hold after the layer's diff is applied to it: every path of
   * the layer; paths the diff carries (added or modified) as in the layer with mtimes in whole seconds
   * (tar precision) and sharing an inode with the other carried paths of their inode; every other path
   * exactly as in the parent, hardlinks included.
   *
   * <p>Every xattr of a carried entry travels (as {@code SCHILY.xattr.*}, which containers/storage and
   * umoci write), not only {@code security.capability} as moby's naive export: otherwise a naive and a
   * native diff of the same trees would differ, and a round trip would lose {@code user.*} attributes.
   * A carried directory applied over the parent's gets exactly the entry's attributes (OCI: "replace
   * existing attributes").
   */
  public static TreeManifest roundTrip(TreeManifest parent, TreeManifest layer,
      List<Change> changes) {
    Set<String> carried = new HashSet<>();
    for (Change c : changes) {
      if (c.kind() != ChangeKind.DELETE) {
        carried.add(c.path());
      }
    }
    SortedMap<String, Entry> out = new TreeMap<>();
    for (Entry e : layer.entries().values()) {
      if (carried.contains(e.path())) {
        out.put(e.path(), e.withMtime(e.mtimeSec(), 0).withInode("layer " + e.inode()));
      } else {
        Entry p = parent.get(e.path());
        if (p == null && e.path().equals("/")) {
          p = e; // no parent: the root comes from the fresh layer, not from the diff
        }
        if (p == null) {
          throw new IllegalStateException(e.path() + " is neither carried by the diff nor in the parent");
        }
        out.put(e.path(), p.withInode("parent " + p.inode()));
      }
    }
    return new TreeManifest(out);
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
