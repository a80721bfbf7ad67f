package org.unionfs.nio;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A path of a union file system: Unix syntax ({@code /} separated, absolute when it starts with
 * {@code /}), kept as given except that repeated and trailing slashes are dropped, as the default
 * provider does on Linux. A relative path is resolved against the union's root.
 */
final class UnionPath implements Path {
  private final UnionNioFileSystem fs;
  /** The path text, without repeated or trailing slashes ("/" for the root, "" for the empty path). */
  private final String text;
  /** The names; for the empty path one empty name, as {@code Path.of("")}. */
  private final String[] names;

  private UnionPath(UnionNioFileSystem fs, String text) {
    this.fs = fs;
    this.text = text;
    if (text.equals("/")) {
      this.names = new String[0];
    } else if (text.isEmpty()) {
      this.names = new String[] {""};
    } else {
      this.names = (text.startsWith("/") ? text.substring(1) : text).split("/");
    }
  }

  /** Parses {@code first} and {@code more} joined by slashes, as {@code FileSystem.getPath}. */
  static UnionPath parse(UnionNioFileSystem fs, String first, String... more) {
    StringBuilder sb = new StringBuilder(Objects.requireNonNull(first, "first"));
    for (String m : more) {
      if (!Objects.requireNonNull(m, "more").isEmpty()) {
        if (sb.length() > 0) {
          sb.append('/');
        }
        sb.append(m);
      }
    }
    String raw = sb.toString();
    int nul = raw.indexOf('\0');
    if (nul >= 0) {
      throw new InvalidPathException(raw, "Nul character not allowed", nul);
    }
    return new UnionPath(fs, clean(raw));
  }

  /** Drops repeated and trailing slashes. */
  private static String clean(String raw) {
    StringBuilder sb = new StringBuilder(raw.length());
    char prev = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '/' && prev == '/') {
        continue;
      }
      sb.append(c);
      prev = c;
    }
    if (sb.length() > 1 && sb.charAt(sb.length() - 1) == '/') {
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }

  private UnionPath of(String t) {
    return new UnionPath(fs, t);
  }

  private UnionPath of(boolean absolute, List<String> parts) {
    String joined = String.join("/", parts);
    return of(absolute ? "/" + joined : joined);
  }

  /** The names as a list (empty for the root). */
  List<String> nameList() {
    return Arrays.asList(names);
  }

  /** Casts {@code other} to a path of this provider, as the JDK requires. */
  static UnionPath check(Path other) {
    Objects.requireNonNull(other, "path");
    if (!(other instanceof UnionPath p)) {
      throw new ProviderMismatchException("not a union: path: " + other + " ("
          + other.getFileSystem().provider().getScheme() + ")");
    }
    return p;
  }

  private UnionPath sameFs(Path other) {
    UnionPath p = check(other);
    if (p.fs != fs) {
      throw new ProviderMismatchException("path " + other + " belongs to another union file system");
    }
    return p;
  }

  @Override
  public UnionNioFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return text.startsWith("/");
  }

  @Override
  public Path getRoot() {
    return isAbsolute() ? of("/") : null;
  }

  @Override
  public Path getFileName() {
    if (names.length == 0) {
      return null;
    }
    if (names.length == 1 && !isAbsolute()) {
      return this;
    }
    return of(names[names.length - 1]);
  }

  @Override
  public Path getParent() {
    if (names.length == 0 || (names.length == 1 && !isAbsolute())) {
      return null;
    }
    return of(isAbsolute(), nameList().subList(0, names.length - 1));
  }

  @Override
  public int getNameCount() {
    return names.length;
  }

  @Override
  public Path getName(int index) {
    if (index < 0 || index >= names.length) {
      throw new IllegalArgumentException("name index " + index + " of " + names.length);
    }
    return of(names[index]);
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    if (beginIndex < 0 || beginIndex >= names.length || endIndex > names.length || beginIndex >= endIndex) {
      throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") of " + names.length);
    }
    return of(false, nameList().subList(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof UnionPath o) || o.fs != fs) {
      return false;
    }
    if (o.isAbsolute() != isAbsolute() || o.names.length > names.length) {
      return false;
    }
    if (o.text.isEmpty()) {
      return text.isEmpty();
    }
    for (int i = 0; i < o.names.length; i++) {
      if (!o.names[i].equals(names[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean endsWith(Path other) {
    if (!(Objects.requireNonNull(other) instanceof UnionPath o) || o.fs != fs) {
      return false;
    }
    if (o.isAbsolute()) {
      return o.equals(this);
    }
    if (o.text.isEmpty()) {
      return text.isEmpty();
    }
    if (o.names.length > names.length) {
      return false;
    }
    for (int i = 1; i <= o.names.length; i++) {
      if (!o.names[o.names.length - i].equals(names[names.length - i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Path normalize() {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n.equals(".") || n.isEmpty()) {
        continue;
      }
      if (n.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
          continue;
        }
        if (isAbsolute()) {
          continue; // "/.." is "/"
        }
      }
      out.add(n);
    }
    return of(isAbsolute(), out);
  }

  @Override
  public Path resolve(Path other) {
    UnionPath o = sameFs(other);
    if (o.isAbsolute()) {
      return o;
    }
    if (o.text.isEmpty()) {
      return this;
    }
    if (text.isEmpty()) {
      return o;
    }
    return of(text.equals("/") ? "/" + o.text : text + "/" + o.text);
  }

  @Override
  public Path resolve(String other) {
    return resolve(fs.getPath(other));
  }

  @Override
  public Path relativize(Path other) {
    UnionPath o = sameFs(other);
    if (o.isAbsolute() != isAbsolute()) {
      throw new IllegalArgumentException("'other' is different type of Path");
    }
    if (equals(o)) {
      return of("");
    }
    if (text.isEmpty()) {
      return o;
    }
    List<String> a = text.equals("/") ? List.of() : nameList();
    List<String> b = o.text.equals("/") || o.text.isEmpty() ? List.of() : o.nameList();
    int common = 0;
    while (common < a.size() && common < b.size() && a.get(common).equals(b.get(common))) {
      common++;
    }
    List<String> out = new ArrayList<>();
    for (int i = common; i < a.size(); i++) {
      out.add("..");
    }
    out.addAll(b.subList(common, b.size()));
    return of(false, out);
  }

  /** {@code union:<name>!<absolute path>}, percent-encoded. */
  @Override
  public URI toUri() {
    try {
      return new URI(UnionFileSystemProvider.SCHEME, null,
          fs.name() + UnionFileSystemProvider.SEPARATOR + toAbsolutePath().normalize(), null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot build the URI of " + this, e);
    }
  }

  @Override
  public UnionPath toAbsolutePath() {
    if (isAbsolute()) {
      return this;
    }
    return of(text.isEmpty() ? "/" : "/" + text);
  }

  /** The path with every symlink resolved; it must exist. */
  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    boolean follow = !Options.noFollow(options);
    UnionPath real = of(fs.ops().realPath(this, follow));
    fs.ops().stat(real, false);
    return real;
  }

  /** Not supported: the union has no watch service. */
  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    Objects.requireNonNull(watcher, "watcher");
    throw new ProviderMismatchException("the union file system has no watch service: " + watcher);
  }

  @Override
  public Iterator<Path> iterator() {
    List<Path> out = new ArrayList<>(names.length);
    for (String n : names) {
      out.add(of(n));
    }
    return out.iterator();
  }

  /** Lexicographic order of the path texts. */
  @Override
  public int compareTo(Path other) {
    return text.compareTo(((UnionPath) other).text);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnionPath p && p.fs == fs && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
