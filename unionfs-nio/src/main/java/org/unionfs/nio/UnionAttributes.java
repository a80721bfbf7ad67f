package org.unionfs.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.unionfs.api.union.UnionFileSystem;

/**
 * Attributes by name ({@code Files.readAttributes(path, "view:a,b")}, {@code Files.setAttribute}) for
 * the views {@code basic}, {@code posix}, {@code owner}, {@code unix} (as the default provider names
 * them: {@code mode, ino, dev, rdev, nlink, uid, gid, ctime} on top of {@code posix}), {@code user}
 * (user xattrs without the {@code user.} prefix, values {@code byte[]}) and the union's own
 * {@code xattr} (every xattr by its full name, values {@code byte[]}; setting {@code null} removes one).
 */
final class UnionAttributes {
  static final Set<String> VIEWS = Set.of("basic", "posix", "owner", "unix", "user", "xattr");
  private static final List<String> BASIC = List.of("lastModifiedTime", "lastAccessTime", "creationTime",
      "size", "isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");
  private static final List<String> POSIX = List.of("permissions", "owner", "group");
  private static final List<String> UNIX = List.of("mode", "ino", "dev", "rdev", "nlink", "uid", "gid", "ctime");

  private final UnionNioFileSystem fs;

  UnionAttributes(UnionNioFileSystem fs) {
    this.fs = fs;
  }

  private UnionFileSystem union() {
    return fs.ops().union();
  }

  UnionFileAttributes read(UnionPath p, boolean follow) throws IOException {
    return new UnionFileAttributes(fs.ops().stat(p, follow), fs);
  }

  @SuppressWarnings("unchecked")
  <A extends BasicFileAttributes> A read(UnionPath p, Class<A> type, boolean follow) throws IOException {
    if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
      throw new UnsupportedOperationException("attributes of type " + type.getName() + " not supported");
    }
    return (A) read(p, follow);
  }

  Map<String, Object> read(UnionPath p, String attributes, boolean follow) throws IOException {
    int colon = attributes.indexOf(':');
    String view = colon < 0 ? "basic" : attributes.substring(0, colon);
    String names = colon < 0 ? attributes : attributes.substring(colon + 1);
    if (!VIEWS.contains(view)) {
      throw new UnsupportedOperationException("View '" + view + "' not available");
    }
    if (view.equals("user") || view.equals("xattr")) {
      return readXattrs(p, view, names, follow);
    }
    UnionFileAttributes a = read(p, follow);
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : names.split(",")) {
      if (name.equals("*")) {
        for (String n : all(view)) {
          out.put(n, value(a, n));
        }
      } else if (!all(view).contains(name)) {
        throw new IllegalArgumentException("'" + name + "' not recognized");
      } else {
        out.put(name, value(a, name));
      }
    }
    return out;
  }

  private static List<String> all(String view) {
    List<String> out = new java.util.ArrayList<>();
    switch (view) {
      case "owner" -> out.add("owner");
      case "basic" -> out.addAll(BASIC);
      case "posix" -> {
        out.addAll(BASIC);
        out.addAll(POSIX);
      }
      default -> { // unix
        out.addAll(BASIC);
        out.addAll(POSIX);
        out.addAll(UNIX);
      }
    }
    return out;
  }

  private static Object value(UnionFileAttributes a, String name) {
    return switch (name) {
      case "lastModifiedTime" -> a.lastModifiedTime();
      case "lastAccessTime" -> a.lastAccessTime();
      case "creationTime" -> a.creationTime();
      case "size" -> a.size();
      case "isRegularFile" -> a.isRegularFile();
      case "isDirectory" -> a.isDirectory();
      case "isSymbolicLink" -> a.isSymbolicLink();
      case "isOther" -> a.isOther();
      case "fileKey" -> a.fileKey();
      case "permissions" -> a.permissions();
      case "owner" -> a.owner();
      case "group" -> a.group();
      default -> a.unix(name);
    };
  }

  private Map<String, Object> readXattrs(UnionPath p, String view, String names, boolean follow)
      throws IOException {
    String real = fs.ops().realPath(p, follow);
    String prefix = view.equals("user") ? "user." : "";
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      for (String name : names.split(",")) {
        if (name.equals("*")) {
          for (String full : union().listxattr(real)) {
            if (full.startsWith(prefix)) {
              out.put(full.substring(prefix.length()), union().getxattr(real, full));
            }
          }
        } else {
          out.put(name, union().getxattr(real, prefix + name));
        }
      }
    } catch (IOException e) {
      throw Errors.on(e, p, null);
    }
    return out;
  }

  void set(UnionPath p, String attribute, Object value, boolean follow) throws IOException {
    int colon = attribute.indexOf(':');
    String view = colon < 0 ? "basic" : attribute.substring(0, colon);
    String name = colon < 0 ? attribute : attribute.substring(colon + 1);
    if (!VIEWS.contains(view)) {
      throw new UnsupportedOperationException("View '" + view + "' not available");
    }
    String real = fs.ops().realPath(p, follow);
    try {
      switch (view + ":" + name) {
        case "basic:lastModifiedTime", "posix:lastModifiedTime", "unix:lastModifiedTime" ->
            setTimes(real, (FileTime) value, null);
        case "basic:lastAccessTime", "posix:lastAccessTime", "unix:lastAccessTime" ->
            setTimes(real, null, (FileTime) value);
        case "basic:creationTime", "posix:creationTime", "unix:creationTime" -> {
          // Linux has no settable creation time; the default provider ignores it too
        }
        case "posix:permissions", "unix:permissions" ->
            union().chmod(real, CreateAttrs.Perms.toMode(CreateAttrs.Perms.cast(value)));
        case "unix:mode" -> union().chmod(real, (Integer) value & 07777);
        case "posix:owner", "unix:owner", "owner:owner" ->
            union().chown(real, fs.principals().idOf((UserPrincipal) value), -1);
        case "posix:group", "unix:group" ->
            union().chown(real, -1, fs.principals().idOf((GroupPrincipal) value));
        case "unix:uid" -> union().chown(real, (Integer) value, -1);
        case "unix:gid" -> union().chown(real, -1, (Integer) value);
        default -> {
          if (view.equals("user") || view.equals("xattr")) {
            String full = view.equals("user") ? "user." + name : name;
            if (value == null && view.equals("xattr")) {
              union().removexattr(real, full);
            } else {
              union().setxattr(real, full, bytes(value), 0);
            }
          } else {
            throw new IllegalArgumentException("'" + attribute + "' not recognized");
          }
        }
      }
    } catch (IOException e) {
      throw Errors.on(e, p, null);
    }
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] b) {
      return b;
    }
    if (value instanceof ByteBuffer buf) {
      byte[] b = new byte[buf.remaining()];
      buf.get(b);
      return b;
    }
    throw new ClassCastException("an xattr value must be byte[] or ByteBuffer: " + value);
  }

  /** {@code utimensat} of the engine path: null leaves that time as it is. */
  void setTimes(String real, FileTime mtime, FileTime atime) throws IOException {
    long[] m = split(mtime);
    long[] a = split(atime);
    union().utimens(real, a[0], a[1], m[0], m[1]);
  }

  private static long[] split(FileTime t) {
    if (t == null) {
      return new long[] {0, UnionFileSystem.UTIME_OMIT};
    }
    long nanos = t.to(TimeUnit.NANOSECONDS);
    if (nanos == Long.MAX_VALUE || nanos == Long.MIN_VALUE) { // beyond what nanoseconds hold
      long sec = t.to(TimeUnit.SECONDS);
      return new long[] {sec, 0};
    }
    return new long[] {Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)};
  }
}
