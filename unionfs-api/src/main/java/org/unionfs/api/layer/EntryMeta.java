package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.posix.Posix;

/**
 * Owner, mode, xattrs and times of an applied entry, with as few system calls as the entry allows: no
 * chmod when the create already gave the right mode, no xattr call for an entry without xattrs.
 */
final class EntryMeta {
  /** A directory's deferred metadata: mtimes are set after all entries, as moby does. */
  record DirTimes(String rel, long sec, int nsec, int mode, boolean chmodLater) {}

  private static final boolean ROOT = ProcessFacts.EUID == 0;
  private final WhiteoutFormat format;
  private final Posix px = Posix.get();

  EntryMeta(WhiteoutFormat format) {
    this.format = format;
  }

  /** Refuses xattrs a tar must not set: the overlay driver's own ones. */
  void validate(TarEntry e) throws InvalidArgumentException {
    if (e.xattrs.isEmpty()) {
      return;
    }
    for (String name : e.xattrs.keySet()) {
      if (name.isEmpty() || name.indexOf('.') < 0) {
        throw new InvalidArgumentException("layer tar: " + e.describe() + ": invalid xattr name '" + name
            + "'");
      }
      if (name.startsWith("trusted.overlay.")
          || (format instanceof Whiteouts.Overlay o && name.startsWith(o.xattrPrefix() + "overlay."))) {
        throw new InvalidArgumentException("layer tar: " + e.describe() + ": xattr '" + name
            + "' is overlayfs's own and is not accepted from a layer tar");
      }
    }
  }

  /**
   * Owner, mode, xattrs and (for non-directories) times.
   *
   * @param createdPerm the permission bits the entry was created with before the umask, or -1 for an
   *     entry that already existed (always chmod-ed)
   */
  void apply(Path p, TarEntry e, int createdPerm) throws IOException {
    px.lchown(p, (int) e.uid, (int) e.gid);
    boolean dir = e.isDirectory();
    int want = e.mode & 07777;
    // A directory always: mkdir in a setgid directory makes the new one setgid, whatever was asked.
    boolean needChmod = dir || createdPerm < 0 || (createdPerm & ~ProcessFacts.UMASK & 0777) != want;
    if (needChmod && !(dir && chmodLater(want))) {
      px.chmod(p, want);
    }
    applyXattrs(p, e);
    if (!dir) {
      px.setTimes(p, e.mtimeSec, e.mtimeNsec, e.mtimeSec, e.mtimeNsec);
    }
  }

  /** Owner, xattrs and times of a symlink (a symlink has no mode of its own on Linux). */
  void applySymlink(Path p, TarEntry e) throws IOException {
    px.lchown(p, (int) e.uid, (int) e.gid);
    applyXattrs(p, e);
    px.setTimes(p, e.mtimeSec, e.mtimeNsec, e.mtimeSec, e.mtimeNsec);
  }

  void applyXattrs(Path p, TarEntry e) throws IOException {
    if (e.xattrs.isEmpty()) {
      return;
    }
    for (Map.Entry<String, byte[]> x : e.xattrs.entrySet()) {
      try {
        px.setXattr(p, x.getKey(), x.getValue());
      } catch (IOException failed) {
        throw new IOException("layer tar: " + e.describe() + ": setting xattr '" + x.getKey() + "': "
            + failed.getMessage(), failed);
      }
    }
  }

  DirTimes dirTimes(String rel, TarEntry e) {
    int want = e.mode & 07777;
    return new DirTimes(rel, e.mtimeSec, e.mtimeNsec, want, chmodLater(want));
  }

  /** Sets a directory's deferred mode (if any) and its times. */
  void finishDirectory(Path p, DirTimes d) throws IOException {
    if (d.chmodLater()) {
      px.chmod(p, d.mode());
    }
    px.setTimes(p, d.sec(), d.nsec(), d.sec(), d.nsec());
  }

  /** The xattrs whose old values a roll-back must restore on a pre-existing directory. */
  List<String> xattrNamesToSave(TarEntry e) {
    List<String> names = new ArrayList<>();
    if (e != null) {
      names.addAll(e.xattrs.keySet());
    }
    if (format instanceof Whiteouts.Overlay o && !names.contains(o.opaqueXattr())) {
      names.add(o.opaqueXattr());
    }
    return names;
  }

  /** A directory the owner could not write into any more is given its mode last (non-root only). */
  private static boolean chmodLater(int mode) {
    return !ROOT && (mode & 0300) != 0300;
  }

  /** The JDK permission set of the low nine mode bits. */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << i)) != 0) {
        s.add(order[i]);
      }
    }
    return s;
  }
}
