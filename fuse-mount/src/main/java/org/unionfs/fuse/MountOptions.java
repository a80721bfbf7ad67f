package org.unionfs.fuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.unionfs.api.union.UnionConfig.DirectoryRename;
import org.unionfs.api.union.UnionConfig.WhiteoutFormat;

/**
 * The {@code -o} options of a union mount: the union's own ({@code whiteout=}, {@code rename_dir=},
 * {@code single_thread}) and libfuse2's, validated here so that a typo fails with one clear line instead
 * of libfuse's usage text. The defaults are the ones {@code jnr-fuse-notes.md} measured as fastest and
 * safe: {@code big_writes} with 128 KiB requests, stable inode numbers ({@code use_ino}),
 * {@code hard_remove} (no {@code .fuse_hidden} files in the read-write branch), kernel permission checks,
 * and kernel caching of data ({@code kernel_cache}) and of entries and attributes for 60 s. The caching
 * is coherent for every change made through the mount (the kernel sees it); changes made directly in the
 * branches while mounted show up after the timeouts, and with libfuse2's path-based API the other names
 * of a hard link show a chmod/chown through one name after {@code attr_timeout}. {@code -o
 * attr_timeout=0,auto_cache} trades speed for that. An option the user gives replaces the default of the
 * same name.
 *
 * @param fuseOptions what libfuse gets, defaults first
 * @param whiteoutFormat the whiteouts written to the read-write branch: {@code whiteout=} if given, else
 *     aufs ({@code .wh.} files)
 * @param whiteoutGiven whether {@code whiteout=} was given; if not, a union whose branches have a format
 *     of their own (a driver's layer: overlay2 layers hold overlay whiteouts) keeps it
 * @param directoryRename what rename does with a lower directory
 * @param singleThreaded serve requests on one thread
 * @param nonEmpty the mount point may hold files ({@code nonempty})
 */
public record MountOptions(List<String> fuseOptions, WhiteoutFormat whiteoutFormat,
    boolean whiteoutGiven, DirectoryRename directoryRename, boolean singleThreaded, boolean nonEmpty) {

  /** libfuse2 options taking no value (fuse_mount, fuse_lib and fuse_lowlevel of 2.9.9). */
  static final Set<String> FLAGS = Set.of(
      "allow_other", "allow_root", "auto_unmount", "nonempty", "default_permissions", "blkdev",
      "ro", "rw", "suid", "nosuid", "dev", "nodev", "exec", "noexec", "async", "sync", "atime",
      "noatime", "diratime", "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime",
      "dirsync", "large_read", "hard_remove", "use_ino", "readdir_ino", "direct_io", "kernel_cache",
      "auto_cache", "noauto_cache", "noforget", "nopath", "intr", "async_read", "sync_read",
      "atomic_o_trunc", "no_remote_lock", "no_remote_flock", "no_remote_posix_lock", "big_writes",
      "splice_write", "no_splice_write", "splice_move", "no_splice_move", "splice_read",
      "no_splice_read", "debug");
  /** libfuse2 options taking a number. */
  static final Set<String> NUMERIC = Set.of(
      "blksize", "max_read", "umask", "uid", "gid", "entry_timeout", "negative_timeout",
      "attr_timeout", "ac_attr_timeout", "remember", "intr_signal", "max_write", "max_readahead",
      "max_background", "congestion_threshold");
  /** libfuse2 options taking a string. */
  static final Set<String> TEXT = Set.of(
      "fsname", "subtype", "user", "modules", "context", "fscontext", "defcontext", "rootcontext");

  /** Defaults, in the order libfuse gets them. */
  static List<String> defaults(boolean root) {
    List<String> d = new ArrayList<>(List.of(
        "default_permissions", "use_ino", "hard_remove", "big_writes", "max_write=131072",
        "max_read=131072", "kernel_cache", "attr_timeout=60", "entry_timeout=60", "negative_timeout=60",
        "fsname=unionfs", "subtype=unionfs"));
    if (root) {
      // other users (pjdfstest's -u, containers) must reach the mount; default_permissions keeps it safe
      d.add(0, "allow_other");
    }
    return d;
  }

  public MountOptions {
    fuseOptions = List.copyOf(fuseOptions);
  }

  /**
   * Parses the user's options (each "name" or "name=value"; a comma list is split) over the defaults.
   *
   * @param root whether the mount runs as root (adds {@code allow_other})
   * @throws FuseMountException for an unknown option or a bad value, naming it
   */
  public static MountOptions parse(List<String> userOptions, boolean root) throws FuseMountException {
    Map<String, String> fuse = new LinkedHashMap<>();
    for (String d : defaults(root)) {
      put(fuse, d);
    }
    WhiteoutFormat whiteout = WhiteoutFormat.AUFS;
    boolean whiteoutGiven = false;
    DirectoryRename rename = DirectoryRename.COPY_UP;
    boolean single = false;
    for (String list : userOptions) {
      for (String o : list.split(",", -1)) {
        if (o.isEmpty()) {
          throw new FuseMountException("bad option: empty name in '" + list + "'");
        }
        int eq = o.indexOf('=');
        String name = eq < 0 ? o : o.substring(0, eq);
        String value = eq < 0 ? null : o.substring(eq + 1);
        switch (name) {
          case "whiteout" -> {
            whiteout = switch (String.valueOf(value)) {
              case "aufs" -> WhiteoutFormat.AUFS;
              case "overlay" -> WhiteoutFormat.OVERLAY;
              default -> throw new FuseMountException("bad option '" + o + "': whiteout=aufs or whiteout=overlay");
            };
            whiteoutGiven = true;
          }
          case "rename_dir" -> rename = switch (String.valueOf(value)) {
            case "copyup" -> DirectoryRename.COPY_UP;
            case "exdev" -> DirectoryRename.EXDEV;
            default -> throw new FuseMountException("bad option '" + o + "': rename_dir=copyup or rename_dir=exdev");
          };
          case "single_thread" -> {
            requireNoValue(o, value);
            single = true;
          }
          default -> {
            checkFuseOption(o, name, value);
            if (name.equals("rw")) {
              fuse.remove("ro");
            } else if (name.equals("ro")) {
              fuse.remove("rw");
            }
            put(fuse, o);
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    fuse.forEach((k, v) -> out.add(v == null ? k : k + "=" + v));
    return new MountOptions(out, whiteout, whiteoutGiven, rename, single, fuse.containsKey("nonempty"));
  }

  private static void put(Map<String, String> m, String o) {
    int eq = o.indexOf('=');
    if (eq < 0) {
      m.put(o, null);
    } else {
      m.put(o.substring(0, eq), o.substring(eq + 1));
    }
  }

  private static void requireNoValue(String o, String value) throws FuseMountException {
    if (value != null) {
      throw new FuseMountException("bad option '" + o + "': takes no value");
    }
  }

  private static void checkFuseOption(String o, String name, String value) throws FuseMountException {
    if (FLAGS.contains(name)) {
      requireNoValue(o, value);
    } else if (NUMERIC.contains(name)) {
      if (value == null || !value.matches("[0-9]+(\\.[0-9]+)?")) {
        throw new FuseMountException("bad option '" + o + "': " + name + "= needs a number");
      }
    } else if (TEXT.contains(name)) {
      if (value == null || value.isEmpty()) {
        throw new FuseMountException("bad option '" + o + "': " + name + "= needs a value");
      }
    } else {
      throw new FuseMountException("bad option '" + o + "': not a unionfs or libfuse2 option");
    }
  }

  /** Whether libfuse gets option {@code name} (with any value). */
  public boolean has(String name) {
    return fuseOptions.stream().anyMatch(o -> o.equals(name) || o.startsWith(name + "="));
  }
}
