package org.unionfs.api.layer.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The merged view of a stack of aufs-format layer directories (their snapshots, bottom first), computed
 * by aufs's rules: {@code <dir>/.wh.<name>} hides {@code <name>} of the layers below, {@code <dir>/.wh..wh..opq}
 * hides every lower child of {@code <dir>}, a non-directory hides the lower subtree at its path, a
 * directory over a directory merges (the upper one's attributes show), and aufs's own top-level
 * {@code .wh..wh.*} entries are never shown. Hardlink groups are recomputed among the visible paths.
 */
public final class UnionView {
  private UnionView() {}

  public static TreeSnapshot aufs(List<TreeSnapshot> bottomFirst) {
    Map<String, TreeSnapshot.Entry> view = new TreeMap<>(TreeSnapshot::compareBytes);
    Map<String, Integer> layerOf = new HashMap<>();
    for (int i = 0; i < bottomFirst.size(); i++) {
      Map<String, TreeSnapshot.Entry> layer = bottomFirst.get(i).entries();
      // whiteouts of this layer first: they hide only what is below
      for (String p : layer.keySet()) {
        String base = p.substring(p.lastIndexOf('/') + 1);
        String dir = p.substring(0, p.lastIndexOf('/'));
        if (base.equals(".wh..wh..opq")) {
          removeTree(view, dir, false);
        } else if (base.startsWith(".wh.") && !base.startsWith(".wh..wh.")) {
          removeTree(view, dir + "/" + base.substring(4), true);
        }
      }
      for (TreeSnapshot.Entry e : layer.values()) {
        String p = e.path();
        String base = p.substring(p.lastIndexOf('/') + 1);
        if (base.startsWith(".wh.") || p.startsWith("/.wh..wh.")) {
          continue;
        }
        TreeSnapshot.Entry below = view.get(p);
        if (below != null && (below.type() != 'd' || e.type() != 'd')) {
          removeTree(view, p, true);
        }
        view.put(p, e);
        layerOf.put(p, i);
      }
    }
    // hardlinks: members of one group of one layer that are still visible
    Map<String, List<String>> groups = new HashMap<>();
    view.forEach((p, e) -> {
      if (e.hardlink() != null) {
        groups.computeIfAbsent(layerOf.get(p) + ":" + e.hardlink(), k -> new ArrayList<>()).add(p);
      }
    });
    for (List<String> g : groups.values()) {
      g.sort(TreeSnapshot::compareBytes);
      for (String p : g) {
        view.put(p, view.get(p).withHardlink(g.size() > 1 ? g.get(0) : null));
      }
    }
    StringBuilder text = new StringBuilder();
    view.values().forEach(e -> text.append(e.line()).append('\n'));
    return TreeSnapshot.parse(text.toString());
  }

  private static void removeTree(Map<String, TreeSnapshot.Entry> view, String path, boolean self) {
    String prefix = path.equals("/") || path.isEmpty() ? "/" : path + "/";
    view.keySet().removeIf(k -> (self && k.equals(path)) || (k.startsWith(prefix) && !k.equals(prefix)));
  }
}
