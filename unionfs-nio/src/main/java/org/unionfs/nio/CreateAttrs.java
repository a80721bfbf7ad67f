package org.unionfs.nio;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.unionfs.api.posix.FileStat;

/**
 * The initial attributes of a new entry: {@code posix:permissions} / {@code unix:permissions} (a
 * {@code Set<PosixFilePermission>}) as the default provider takes them, and, for
 * {@code Files.createFile} only, {@code unix:mode} (an {@code Integer} that may carry {@code S_IFIFO},
 * {@code S_IFCHR}, {@code S_IFBLK} or {@code S_IFSOCK}: the node is made by {@code mknod}) with
 * {@code unix:rdev} (the device number, Linux encoding).
 *
 * @param mode permission bits (07777) and possibly type bits, or -1 when none was given
 */
record CreateAttrs(int mode, long rdev) {

  /** Parses {@code attrs}; {@code allowNode} for a {@code CREATE_NEW} open ({@code Files.createFile}). */
  static CreateAttrs of(FileAttribute<?>[] attrs, boolean allowNode) {
    int mode = -1;
    long rdev = 0;
    for (FileAttribute<?> a : attrs) {
      Object v = a.value();
      switch (a.name()) {
        case "posix:permissions", "unix:permissions" -> mode = Perms.toMode(Perms.cast(v));
        case "unix:mode" -> {
          if (!allowNode) {
            throw new UnsupportedOperationException("'unix:mode' not supported as initial attribute here"
                + " (only for Files.createFile)");
          }
          mode = (Integer) v;
        }
        case "unix:rdev" -> {
          if (!allowNode) {
            throw new UnsupportedOperationException("'unix:rdev' not supported as initial attribute here");
          }
          rdev = ((Number) v).longValue();
        }
        default -> throw new UnsupportedOperationException("'" + a.name()
            + "' not supported as initial attribute");
      }
    }
    return new CreateAttrs(mode, rdev);
  }

  /** The permission bits to create with, {@code fallback} when none were given. */
  int permissions(int fallback) {
    return mode < 0 ? fallback : mode & 07777;
  }

  /** Whether the attributes ask for a fifo, socket or device node. */
  boolean isSpecialNode() {
    int type = mode < 0 ? 0 : mode & FileStat.S_IFMT;
    return type != 0 && type != FileStat.S_IFREG;
  }

  /** Set<PosixFilePermission> to and from mode bits. */
  static final class Perms {
    private static final PosixFilePermission[] ORDER = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    private Perms() {}

    static int toMode(Set<PosixFilePermission> perms) {
      int mode = 0;
      for (int i = 0; i < ORDER.length; i++) {
        if (perms.contains(ORDER[i])) {
          mode |= 1 << i;
        }
      }
      return mode;
    }

    static Set<PosixFilePermission> fromMode(int mode) {
      Set<PosixFilePermission> out = java.util.EnumSet.noneOf(PosixFilePermission.class);
      for (int i = 0; i < ORDER.length; i++) {
        if ((mode & (1 << i)) != 0) {
          out.add(ORDER[i]);
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    static Set<PosixFilePermission> cast(Object v) {
      if (!(v instanceof Set<?> s)) {
        throw new ClassCastException("permissions must be a Set<PosixFilePermission>: " + v);
      }
      for (Object o : s) {
        if (!(o instanceof PosixFilePermission)) {
          throw new ClassCastException("not a PosixFilePermission: " + o);
        }
      }
      return (Set<PosixFilePermission>) s;
    }
  }
}
