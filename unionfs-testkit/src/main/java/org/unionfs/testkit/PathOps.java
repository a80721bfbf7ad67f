package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * The entry-level calls the checks make, provider-neutral: on the default file system through
 * {@link Posix} (nanosecond times, every xattr namespace, mknod), on any other provider through the
 * {@code java.nio} attribute API only, so that a driver may hand out paths of another provider (the
 * in-process union of {@code unionfs-nio}) and the suite never touches the host's files by mistake
 * (Posix works on {@code path.toString()}). Such a provider needs the {@code unix} view, and for
 * xattrs and device nodes the {@code xattr} view and {@code Files.createFile} with a {@code unix:mode}
 * attribute that {@code unionfs-nio} documents.
 */
final class PathOps {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private PathOps() {}

  private static boolean native_(Path p) {
    return p.getFileSystem() == FileSystems.getDefault();
  }

  /** lstat. */
  static FileStat lstat(Path p) throws IOException {
    if (native_(p)) {
      return Posix.get().lstat(p);
    }
    Map<String, Object> a = Files.readAttributes(p, "unix:*", NOFOLLOW);
    Instant at = ((FileTime) a.get("lastAccessTime")).toInstant();
    Instant mt = ((FileTime) a.get("lastModifiedTime")).toInstant();
    Instant ct = ((FileTime) a.get("ctime")).toInstant();
    return new FileStat(num(a, "dev"), num(a, "ino"), (int) num(a, "mode"), num(a, "nlink"), (int) num(a, "uid"),
        (int) num(a, "gid"), num(a, "rdev"), num(a, "size"), 0, at.getEpochSecond(), at.getNano(),
        mt.getEpochSecond(), mt.getNano(), ct.getEpochSecond(), ct.getNano());
  }

  private static long num(Map<String, Object> a, String key) {
    return ((Number) a.get(key)).longValue();
  }

  /** Every xattr of the entry itself, by full name. */
  static SortedMap<String, byte[]> xattrs(Path p) throws IOException {
    SortedMap<String, byte[]> out = new TreeMap<>();
    if (native_(p)) {
      Posix posix = Posix.get();
      for (String name : posix.listXattrs(p)) {
        posix.getXattr(p, name).ifPresent(v -> out.put(name, v));
      }
    } else {
      Files.readAttributes(p, "xattr:*", NOFOLLOW).forEach((k, v) -> out.put(k, (byte[]) v));
    }
    return out;
  }

  static void setXattr(Path p, String name, byte[] value) throws IOException {
    if (native_(p)) {
      Posix.get().setXattr(p, name, value);
    } else {
      Files.setAttribute(p, "xattr:" + name, value, NOFOLLOW);
    }
  }

  static void removeXattr(Path p, String name) throws IOException {
    if (native_(p)) {
      Posix.get().removeXattr(p, name);
    } else {
      Files.setAttribute(p, "xattr:" + name, null, NOFOLLOW);
    }
  }

  /** lchown; -1 leaves an id as it is. */
  static void lchown(Path p, int uid, int gid) throws IOException {
    if (native_(p)) {
      Posix.get().lchown(p, uid, gid);
      return;
    }
    if (uid != -1) {
      Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
    }
    if (gid != -1) {
      Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    }
  }

  /** utimensat of the entry itself, with nanoseconds. */
  static void setTimes(Path p, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) throws IOException {
    if (native_(p)) {
      Posix.get().setTimes(p, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
      return;
    }
    Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW).setTimes(
        FileTime.from(Instant.ofEpochSecond(mtimeSec, mtimeNsec)),
        FileTime.from(Instant.ofEpochSecond(atimeSec, atimeNsec)), null);
  }

  /** mknod of a fifo or device node ({@code mode} with its type bits). */
  static void mknod(Path p, int mode, long rdev) throws IOException {
    if (native_(p)) {
      Posix.get().mknod(p, mode, rdev);
      return;
    }
    Files.createFile(p, attribute("unix:mode", mode), attribute("unix:rdev", rdev));
  }

  private static FileAttribute<Object> attribute(String name, Object value) {
    return new FileAttribute<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Object value() {
        return value;
      }
    };
  }
}
