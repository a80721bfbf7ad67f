package org.unionfs.api.layer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * A comparable manifest of a directory tree: one line per entry with every attribute a layer carries
 * (type, permissions incl. setuid/setgid/sticky, uid, gid, size and sha256 of regular files, symlink
 * target, device numbers, every extended attribute, hardlink group, mtime with nanoseconds).
 *
 * <p>Paths are absolute-style ("/", "/etc/passwd") and sorted by their UTF-8 bytes. Hardlinks are
 * shown as {@code hl=<first path of the inode in this tree>} on every member of a group of two or
 * more paths, so that the manifest does not depend on inode numbers. The text form ({@link #toText})
 * is what the real-engine fixtures store; {@link #parse} reads it back.
 *
 * <p>{@code main(dir)} prints the manifest of a directory (used by the fixture recipe).
 */
public final class TreeSnapshot {

  /**
   * One entry. Fields that do not apply (or were masked for a comparison) are null.
   *
   * @param type one of f d l c b p s
   */
  public record Entry(String path, char type, Integer perms, Integer uid, Integer gid, Long size,
      String sha256, String target, String rdev, Map<String, String> xattrs, String hardlink,
      String mtime) {

    public Entry {
      xattrs = xattrs == null ? null : new TreeMap<>(xattrs);
    }

    /** The manifest line: path then key=value fields, values escaped so that a line is one token list. */
    public String line() {
      StringBuilder s = new StringBuilder(escape(path)).append(" type=").append(type);
      if (perms != null) {
        s.append(" mode=").append(String.format("%04o", perms));
      }
      if (uid != null) {
        s.append(" uid=").append(uid);
      }
      if (gid != null) {
        s.append(" gid=").append(gid);
      }
      if (size != null) {
        s.append(" size=").append(size);
      }
      if (sha256 != null) {
        s.append(" sha256=").append(sha256);
      }
      if (target != null) {
        s.append(" target=").append(escape(target));
      }
      if (rdev != null) {
        s.append(" rdev=").append(rdev);
      }
      if (hardlink != null) {
        s.append(" hl=").append(escape(hardlink));
      }
      if (mtime != null) {
        s.append(" mtime=").append(mtime);
      }
      if (xattrs != null) {
        xattrs.forEach((k, v) -> s.append(" xattr.").append(escape(k)).append('=').append(v));
      }
      return s.toString();
    }

    public Entry withMtime(String m) {
      return new Entry(path, type, perms, uid, gid, size, sha256, target, rdev, xattrs, hardlink, m);
    }

    public Entry withXattrs(Map<String, String> x) {
      return new Entry(path, type, perms, uid, gid, size, sha256, target, rdev, x, hardlink, mtime);
    }

    public Entry withHardlink(String h) {
      return new Entry(path, type, perms, uid, gid, size, sha256, target, rdev, xattrs, h, mtime);
    }

    public Entry withSize(Long s) {
      return new Entry(path, type, perms, uid, gid, s, sha256, target, rdev, xattrs, hardlink, mtime);
    }

    public Entry withOwner(Integer u, Integer g) {
      return new Entry(path, type, perms, u, g, size, sha256, target, rdev, xattrs, hardlink, mtime);
    }

    public Entry withPerms(Integer p) {
      return new Entry(path, type, p, uid, gid, size, sha256, target, rdev, xattrs, hardlink, mtime);
    }
  }

  private final Map<String, Entry> entries; // sorted by path bytes

  private TreeSnapshot(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** Snapshots the tree under {@code root}, never following symlinks. The root itself is "/". */
  public static TreeSnapshot of(Path root) throws IOException {
    Posix px = Posix.get();
    Map<String, Entry> out = new TreeMap<>(TreeSnapshot::compareBytes);
    Map<String, List<String>> inodes = new LinkedHashMap<>();
    walk(px, root, "/", out, inodes);
    for (List<String> group : inodes.values()) {
      if (group.size() > 1) {
        group.sort(TreeSnapshot::compareBytes);
        for (String p : group) {
          out.put(p, out.get(p).withHardlink(group.get(0)));
        }
      }
    }
    return new TreeSnapshot(out);
  }

  private static void walk(Posix px, Path file, String rel, Map<String, Entry> out,
      Map<String, List<String>> inodes) throws IOException {
    FileStat st = px.lstat(file);
    char type = typeChar(st);
    Long size = null;
    String sha = null;
    String target = null;
    String rdev = null;
    if (type == 'f') {
      size = st.size();
      sha = sha256(file);
    } else if (type == 'l') {
      target = Files.readSymbolicLink(file).toString();
    } else if (type == 'c' || type == 'b') {
      rdev = st.rdevMajor() + "," + st.rdevMinor();
    }
    Map<String, String> x = new TreeMap<>();
    for (String name : px.listXattrs(file)) {
      px.getXattr(file, name).ifPresent(v -> x.put(name, "0x" + HexFormat.of().formatHex(v)));
    }
    String mtime = st.mtimeSec() + "." + String.format("%09d", st.mtimeNsec());
    out.put(rel, new Entry(rel, type, st.permissions(), st.uid(), st.gid(), size, sha, target, rdev,
        x, null, mtime));
    if (type != 'd' && st.nlink() > 1) {
      inodes.computeIfAbsent(st.dev() + ":" + st.ino(), k -> new ArrayList<>()).add(rel);
    }
    if (type == 'd') {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(file)) {
        ds.forEach(children::add);
      }
      for (Path c : children) {
        String name = c.getFileName().toString();
        walk(px, c, rel.equals("/") ? "/" + name : rel + "/" + name, out, inodes);
      }
    }
  }

  private static char typeChar(FileStat st) {
    return switch (st.type()) {
      case FileStat.S_IFREG -> 'f';
      case FileStat.S_IFDIR -> 'd';
      case FileStat.S_IFLNK -> 'l';
      case FileStat.S_IFCHR -> 'c';
      case FileStat.S_IFBLK -> 'b';
      case FileStat.S_IFIFO -> 'p';
      case FileStat.S_IFSOCK -> 's';
      default -> '?';
    };
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- views for comparisons

  public Map<String, Entry> entries() {
    return entries;
  }

  public Entry get(String path) {
    return entries.get(path);
  }

  public boolean contains(String path) {
    return entries.containsKey(path);
  }

  /** A copy with every entry passed through {@code f} (null drops the entry). */
  public TreeSnapshot map(UnaryOperator<Entry> f) {
    Map<String, Entry> out = new TreeMap<>(TreeSnapshot::compareBytes);
    entries.forEach((p, e) -> {
      Entry m = f.apply(e);
      if (m != null) {
        out.put(p, m);
      }
    });
    return new TreeSnapshot(out);
  }

  /** A copy without the entries whose path matches. */
  public TreeSnapshot without(Predicate<String> path) {
    return map(e -> path.test(e.path()) ? null : e);
  }

  /** A copy without {@code prefix} and everything below it. */
  public TreeSnapshot withoutTree(String prefix) {
    return without(p -> p.equals(prefix) || p.startsWith(prefix.endsWith("/") ? prefix : prefix + "/"));
  }

  /** Only the entries at or below {@code prefix}, re-rooted there (prefix becomes "/"). */
  public TreeSnapshot subtree(String prefix) {
    Map<String, Entry> out = new TreeMap<>(TreeSnapshot::compareBytes);
    entries.forEach((p, e) -> {
      String r = p.equals(prefix) ? "/" : p.startsWith(prefix + "/") ? p.substring(prefix.length()) : null;
      if (r != null) {
        String h = e.hardlink() == null ? null : e.hardlink().substring(prefix.length());
        out.put(r, new Entry(r, e.type(), e.perms(), e.uid(), e.gid(), e.size(), e.sha256(),
            e.target(), e.rdev(), e.xattrs(), h, e.mtime()));
      }
    });
    return new TreeSnapshot(out);
  }

  /** mtimes cut to whole seconds (what a tar without PAX times carries). */
  public TreeSnapshot mtimeSeconds() {
    return map(e -> e.mtime() == null ? e : e.withMtime(e.mtime().substring(0, e.mtime().indexOf('.'))));
  }

  /** No mtime on entries matching {@code which}. */
  public TreeSnapshot withoutMtime(Predicate<Entry> which) {
    return map(e -> which.test(e) ? e.withMtime(null) : e);
  }

  /** Keeps only the xattrs whose name matches. */
  public TreeSnapshot xattrsOnly(Predicate<String> keep) {
    return map(e -> {
      if (e.xattrs() == null) {
        return e;
      }
      Map<String, String> x = new TreeMap<>();
      e.xattrs().forEach((k, v) -> {
        if (keep.test(k)) {
          x.put(k, v);
        }
      });
      return e.withXattrs(x);
    });
  }

  // ---------------------------------------------------------------- text form

  public String toText() {
    StringBuilder s = new StringBuilder();
    entries.values().forEach(e -> s.append(e.line()).append('\n'));
    return s.toString();
  }

  @Override
  public String toString() {
    return toText();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeSnapshot t && toText().equals(t.toText());
  }

  @Override
  public int hashCode() {
    return toText().hashCode();
  }

  /**
   * The lines that differ, "- " for this side only and "+ " for {@code other} only; empty if equal.
   * Meant for assertion messages.
   */
  public List<String> diff(TreeSnapshot other) {
    List<String> d = new ArrayList<>();
    TreeMap<String, Entry> all = new TreeMap<>(TreeSnapshot::compareBytes);
    all.putAll(entries);
    all.putAll(other.entries);
    for (String p : all.keySet()) {
      Entry a = entries.get(p);
      Entry b = other.entries.get(p);
      if (!Objects.equals(a == null ? null : a.line(), b == null ? null : b.line())) {
        if (a != null) {
          d.add("- " + a.line());
        }
        if (b != null) {
          d.add("+ " + b.line());
        }
      }
    }
    return d;
  }

  /** Reads the form written by {@link #toText}. */
  public static TreeSnapshot parse(String text) {
    Map<String, Entry> out = new TreeMap<>(TreeSnapshot::compareBytes);
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] tok = line.split(" ");
      String path = unescape(tok[0]);
      char type = '?';
      Integer perms = null;
      Integer uid = null;
      Integer gid = null;
      Long size = null;
      String sha = null;
      String target = null;
      String rdev = null;
      String hl = null;
      String mtime = null;
      Map<String, String> x = new TreeMap<>();
      for (int i = 1; i < tok.length; i++) {
        int eq = tok[i].indexOf('=');
        String k = tok[i].substring(0, eq);
        String v = tok[i].substring(eq + 1);
        switch (k) {
          case "type" -> type = v.charAt(0);
          case "mode" -> perms = Integer.parseInt(v, 8);
          case "uid" -> uid = Integer.parseInt(v);
          case "gid" -> gid = Integer.parseInt(v);
          case "size" -> size = Long.parseLong(v);
          case "sha256" -> sha = v;
          case "target" -> target = unescape(v);
          case "rdev" -> rdev = v;
          case "hl" -> hl = unescape(v);
          case "mtime" -> mtime = v;
          default -> {
            if (!k.startsWith("xattr.")) {
              throw new IllegalArgumentException("unknown manifest field " + k + " in: " + line);
            }
            x.put(unescape(k.substring(6)), v);
          }
        }
      }
      out.put(path, new Entry(path, type, perms, uid, gid, size, sha, target, rdev, x, hl, mtime));
    }
    return new TreeSnapshot(out);
  }

  /** Escapes backslash, space, '=', control characters and newlines as \xNN. */
  static String escape(String s) {
    StringBuilder r = new StringBuilder();
    s.codePoints().forEach(cp -> {
      if (cp <= 0x20 || cp == '\\' || cp == '=' || cp == 0x7f) {
        r.append(String.format("\\x%02x", cp));
      } else {
        r.appendCodePoint(cp);
      }
    });
    return r.toString();
  }

  static String unescape(String s) {
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
        r.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
        i += 3;
      } else {
        r.append(c);
      }
    }
    return r.toString();
  }

  /** Go's string order: unsigned UTF-8 bytes. */
  public static int compareBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
        b.getBytes(StandardCharsets.UTF_8));
  }

  /** Prints the manifest of {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    System.out.print(of(Path.of(args[0])).toText());
  }
}
