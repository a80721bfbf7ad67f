package org.unionfs.nio;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.UnionConfig.Branch;
import org.unionfs.api.union.UnionConfig.DirectoryRename;
import org.unionfs.api.union.UnionConfig.WhiteoutFormat;

/**
 * The environment map of {@code FileSystems.newFileSystem} turned into a {@link UnionConfig}. Keys:
 * <ul>
 *   <li>{@value #BRANCHES}: the branches, top first: a {@code List} of {@code Path}s or {@code String}s,
 *       or one {@code String} separated by {@code :} (fuse-mount's {@code dirs=} form). A string may end
 *       in {@code =rw} or {@code =ro}; without them the first branch is read-write and the others
 *       read-only;
 *   <li>{@value #LOWERS}: for {@code newFileSystem(Path, env)} only, the read-only branches under the
 *       given directory, in the same forms (may be empty);
 *   <li>{@value #READ_ONLY}: {@code true} makes every branch read-only;
 *   <li>{@value #WHITEOUT}: {@code aufs} (default) or {@code overlay}, or a {@link WhiteoutFormat};
 *   <li>{@value #DIRECTORY_RENAME}: {@code copy-up} (default) or {@code exdev}, or a
 *       {@link DirectoryRename};
 *   <li>{@value #ROOT}: whether the union acts with root powers (default: whether the process is root);
 *   <li>{@value #CONFIG}: a whole {@link UnionConfig}, instead of every key above.
 * </ul>
 * Unknown keys and malformed values throw {@link IllegalArgumentException} naming the key.
 */
final class UnionEnv {
  static final String BRANCHES = "branches";
  static final String LOWERS = "lowers";
  static final String READ_ONLY = "readOnly";
  static final String WHITEOUT = "whiteout";
  static final String DIRECTORY_RENAME = "directoryRename";
  static final String ROOT = "root";
  static final String CONFIG = "config";
  private static final Set<String> KEYS = Set.of(BRANCHES, LOWERS, READ_ONLY, WHITEOUT, DIRECTORY_RENAME,
      ROOT, CONFIG);

  private UnionEnv() {}

  /** The configuration of {@code newFileSystem(URI, env)}. */
  static UnionConfig parse(Map<String, ?> env) {
    check(env);
    if (env.containsKey(LOWERS)) {
      throw new IllegalArgumentException("'" + LOWERS + "' is for newFileSystem(Path, env); give '"
          + BRANCHES + "'");
    }
    if (env.containsKey(CONFIG)) {
      return config(env);
    }
    Object b = env.get(BRANCHES);
    if (b == null) {
      throw new IllegalArgumentException("missing '" + BRANCHES + "': the union's directories, top first");
    }
    return build(branches(b, 0), env);
  }

  /** The configuration of {@code newFileSystem(top, env)}: {@code top} over the {@value #LOWERS}. */
  static UnionConfig parse(Path top, Map<String, ?> env) {
    check(env);
    if (env.containsKey(BRANCHES) || env.containsKey(CONFIG)) {
      throw new IllegalArgumentException("newFileSystem(Path, env) takes '" + LOWERS + "', not '"
          + BRANCHES + "' or '" + CONFIG + "'");
    }
    List<Branch> all = new ArrayList<>();
    all.add(Branch.readWrite(top));
    Object lowers = env.get(LOWERS);
    if (lowers != null) {
      for (Branch l : branches(lowers, 1)) {
        all.add(l);
      }
    }
    return build(all, env);
  }

  private static void check(Map<String, ?> env) {
    for (String key : env.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown union file system option '" + key + "': known are "
            + new java.util.TreeSet<>(KEYS));
      }
    }
  }

  private static UnionConfig config(Map<String, ?> env) {
    if (env.size() != 1) {
      throw new IllegalArgumentException("'" + CONFIG + "' cannot be combined with other options: " + env.keySet());
    }
    if (!(env.get(CONFIG) instanceof UnionConfig c)) {
      throw new IllegalArgumentException("'" + CONFIG + "' must be a UnionConfig: " + env.get(CONFIG));
    }
    return c;
  }

  private static UnionConfig build(List<Branch> branches, Map<String, ?> env) {
    List<Branch> all = new ArrayList<>(branches);
    if (bool(env, READ_ONLY, false)) {
      all.replaceAll(b -> Branch.readOnly(b.path()));
    }
    return new UnionConfig(all, whiteout(env.get(WHITEOUT)), rename(env.get(DIRECTORY_RENAME)),
        bool(env, ROOT, UnionConfig.processIsRoot()));
  }

  /** Parses branches; {@code firstIndex} is the position of the first one in the union. */
  private static List<Branch> branches(Object spec, int firstIndex) {
    List<Object> items = new ArrayList<>();
    if (spec instanceof String s) {
      if (s.isEmpty()) {
        return List.of();
      }
      items.addAll(List.of((Object[]) s.split(":", -1)));
    } else if (spec instanceof List<?> l) {
      items.addAll(l);
    } else {
      throw new IllegalArgumentException("'" + BRANCHES + "' must be a List of Path or String, or a String"
          + " of dirs separated by ':': " + spec);
    }
    List<Branch> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      boolean defaultRw = firstIndex + i == 0;
      if (item instanceof Path p) {
        out.add(new Branch(p, defaultRw));
      } else if (item instanceof String s) {
        out.add(branch(s, defaultRw));
      } else {
        throw new IllegalArgumentException("a branch must be a Path or a String: " + item);
      }
    }
    return out;
  }

  private static Branch branch(String s, boolean defaultRw) {
    String lower = s.toLowerCase(Locale.ROOT);
    boolean rw = defaultRw;
    String path = s;
    if (lower.endsWith("=rw")) {
      rw = true;
      path = s.substring(0, s.length() - 3);
    } else if (lower.endsWith("=ro")) {
      rw = false;
      path = s.substring(0, s.length() - 3);
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException("empty branch in '" + BRANCHES + "': '" + s + "'");
    }
    return new Branch(Path.of(path), rw);
  }

  private static boolean bool(Map<String, ?> env, String key, boolean fallback) {
    Object v = env.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException("'" + key + "' must be true or false: " + v);
  }

  private static WhiteoutFormat whiteout(Object v) {
    if (v == null) {
      return WhiteoutFormat.AUFS;
    }
    if (v instanceof WhiteoutFormat w) {
      return w;
    }
    return switch (v.toString().toLowerCase(Locale.ROOT)) {
      case "aufs" -> WhiteoutFormat.AUFS;
      case "overlay", "overlayfs" -> WhiteoutFormat.OVERLAY;
      default -> throw new IllegalArgumentException("'" + WHITEOUT + "' must be aufs or overlay: " + v);
    };
  }

  private static DirectoryRename rename(Object v) {
    if (v == null) {
      return DirectoryRename.COPY_UP;
    }
    if (v instanceof DirectoryRename r) {
      return r;
    }
    return switch (v.toString().toLowerCase(Locale.ROOT)) {
      case "copy-up", "copy_up" -> DirectoryRename.COPY_UP;
      case "exdev" -> DirectoryRename.EXDEV;
      default -> throw new IllegalArgumentException("'" + DIRECTORY_RENAME + "' must be copy-up or exdev: " + v);
    };
  }
}
