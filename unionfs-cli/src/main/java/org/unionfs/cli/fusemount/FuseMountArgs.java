package org.unionfs.cli.fusemount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.unionfs.api.union.UnionConfig;

/**
 * A parsed {@code fuse-mount} command line. Two forms:
 * <pre>
 * fuse-mount dirs=BRANCH[=rw|=ro][:BRANCH[=ro]]... MOUNTPOINT [-o OPTION,...] [-f]
 * fuse-mount --driver NAME --home DIR --layer ID MOUNTPOINT [-o OPTION,...] [-f]
 * </pre>
 * Without {@code =rw}/{@code =ro} the first branch is read-write and the others read-only; a first
 * branch marked {@code =ro} makes a read-only union. Only the first branch may be read-write.
 *
 * @param branches the union's branches top first (dirs= form), else empty
 * @param driver the driver name (--driver form), else null
 * @param home the driver home (--driver form), else null
 * @param layer the layer id (--driver form), else null
 * @param mountPoint where to mount
 * @param options the {@code -o} option lists as given
 * @param foreground stay in the foreground ({@code -f})
 * @param notifyReady print {@value #READY} on stdout once live (used by the daemonizing parent)
 * @param help {@code --help} was asked for (then nothing else is set)
 */
record FuseMountArgs(List<UnionConfig.Branch> branches, String driver, Path home, String layer,
    Path mountPoint, List<String> options, boolean foreground, boolean notifyReady, boolean help) {

  /** The line the foreground child prints when the mount is live. */
  static final String READY = "fuse-mount: ready";
  /** The internal flag that makes the child print {@link #READY}. */
  static final String NOTIFY_READY = "--notify-ready";

  static final String USAGE = """
      Usage: fuse-mount dirs=BRANCH[=rw|=ro][:BRANCH[=ro]]... MOUNTPOINT [-o OPTION,...] [-f]
             fuse-mount --driver NAME --home DIR --layer ID MOUNTPOINT [-o OPTION,...] [-f]
             fuse-mount --help

      Mounts a union of directories (aufs semantics) with FUSE. Branches are listed top first and
      separated by ':'. Without =rw/=ro the first branch is read-write and the others read-only; with
      the first branch =ro the union is read-only. Changes go to the read-write branch: lower files are
      copied up before a change, deletions of lower entries leave whiteouts (.wh.<name>).

      The second form mounts a layer of a graphdriver home (vfs, overlay2, aufs) with its parents.

      Returns once the mount is live (exit 0) or failed (exit 1, one line on stderr); the filesystem
      then runs in a background process. Unmount with: fusermount -u MOUNTPOINT (or SIGTERM to it).

      Options:
        -f                  stay in the foreground (SIGTERM/SIGINT unmount and exit)
        -o OPTION[,...]     mount options, repeatable:
             whiteout=aufs|overlay    whiteouts written to the read-write branch (default aufs)
             rename_dir=copyup|exdev  rename of a lower directory: copy it up (default) or EXDEV
             single_thread            serve requests on one thread
             nonempty                 allow a mount point that holds files
             any libfuse2 option: allow_other, ro, default_permissions, auto_unmount, kernel_cache,
             attr_timeout=S, entry_timeout=S, negative_timeout=S, max_write=N, debug, ...
        --help              this text

      Defaults given to libfuse (an option of the same name replaces them): allow_other (as root),
      default_permissions, use_ino, hard_remove, big_writes, max_write=131072, max_read=131072,
      kernel_cache, attr_timeout=60, entry_timeout=60, negative_timeout=60, fsname=unionfs,
      subtype=unionfs. Caching is coherent for changes made through the mount; changes made directly in
      the branches show after the timeouts (-o attr_timeout=0,entry_timeout=0,auto_cache to avoid that).
      """;

  FuseMountArgs {
    branches = List.copyOf(branches);
    options = List.copyOf(options);
  }

  /** Whether this is the --driver form. */
  boolean layerForm() {
    return driver != null;
  }

  /** The branches as a union configuration (dirs= form). */
  UnionConfig unionConfig() {
    return new UnionConfig(branches, UnionConfig.WhiteoutFormat.AUFS, UnionConfig.DirectoryRename.COPY_UP,
        UnionConfig.processIsRoot());
  }

  /** Parses {@code args}; throws naming the first problem. */
  static FuseMountArgs parse(String[] args) throws UsageException {
    List<UnionConfig.Branch> branches = List.of();
    String dirs = null;
    String driver = null;
    Path home = null;
    String layer = null;
    Path mnt = null;
    List<String> options = new ArrayList<>();
    boolean foreground = false;
    boolean notify = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return new FuseMountArgs(List.of(), null, null, null, null, List.of(), false, false, true);
      } else if (a.equals("-f")) {
        foreground = true;
      } else if (a.equals(NOTIFY_READY)) {
        notify = true;
      } else if (a.equals("-o")) {
        options.add(value(args, ++i, "-o"));
      } else if (a.startsWith("-o") && !a.startsWith("--")) {
        options.add(a.substring(2));
      } else if (a.equals("--driver") || a.startsWith("--driver=")) {
        driver = once(driver, a.contains("=") ? after(a) : value(args, ++i, a), "--driver");
      } else if (a.equals("--home") || a.startsWith("--home=")) {
        home = Path.of(once(home == null ? null : home.toString(),
            a.contains("=") ? after(a) : value(args, ++i, a), "--home"));
      } else if (a.equals("--layer") || a.startsWith("--layer=")) {
        layer = once(layer, a.contains("=") ? after(a) : value(args, ++i, a), "--layer");
      } else if (a.startsWith("-") && a.length() > 1) {
        throw new UsageException("unknown option '" + a + "'");
      } else if (a.startsWith("dirs=")) {
        if (dirs != null) {
          throw new UsageException("dirs= given twice");
        }
        dirs = a.substring("dirs=".length());
        branches = parseBranches(dirs);
      } else if (mnt == null) {
        if (a.isEmpty()) {
          throw new UsageException("empty mount point");
        }
        mnt = Path.of(a).toAbsolutePath().normalize();
      } else {
        throw new UsageException("unexpected argument '" + a + "' (mount point already given: " + mnt + ")");
      }
    }
    boolean layerForm = driver != null || home != null || layer != null;
    if (layerForm && dirs != null) {
      throw new UsageException("give either dirs= or --driver/--home/--layer, not both");
    }
    if (layerForm && (driver == null || home == null || layer == null)) {
      throw new UsageException("--driver, --home and --layer go together");
    }
    if (!layerForm && dirs == null) {
      throw new UsageException("missing dirs=BRANCH[:BRANCH...]");
    }
    if (mnt == null) {
      throw new UsageException("missing MOUNTPOINT");
    }
    if (home != null) {
      home = home.toAbsolutePath().normalize();
    }
    return new FuseMountArgs(branches, driver, home, layer, mnt, options, foreground, notify, false);
  }

  private static String value(String[] args, int i, String opt) throws UsageException {
    if (i >= args.length || args[i].isEmpty()) {
      throw new UsageException(opt + " needs a value");
    }
    return args[i];
  }

  private static String after(String a) throws UsageException {
    String v = a.substring(a.indexOf('=') + 1);
    if (v.isEmpty()) {
      throw new UsageException(a + " needs a value");
    }
    return v;
  }

  private static String once(String old, String value, String opt) throws UsageException {
    if (old != null) {
      throw new UsageException(opt + " given twice");
    }
    return value;
  }

  /**
   * Parses {@code BRANCH[=rw|=ro][:BRANCH[=ro]]...}. A trailing {@code =rw}/{@code =ro} is the mode
   * (case-insensitive, as unionfs-fuse's RW/RO); any other '=' belongs to the path.
   */
  static List<UnionConfig.Branch> parseBranches(String spec) throws UsageException {
    if (spec.isEmpty()) {
      throw new UsageException("dirs= lists no branch");
    }
    List<UnionConfig.Branch> out = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    String[] parts = spec.split(":", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      Boolean rw = null;
      String lower = p.toLowerCase(java.util.Locale.ROOT);
      if (lower.endsWith("=rw")) {
        rw = true;
        p = p.substring(0, p.length() - 3);
      } else if (lower.endsWith("=ro")) {
        rw = false;
        p = p.substring(0, p.length() - 3);
      }
      if (p.isEmpty()) {
        throw new UsageException("empty branch in dirs=" + spec);
      }
      boolean writable = rw == null ? i == 0 : rw;
      if (writable && i > 0) {
        throw new UsageException("only the first branch may be read-write: " + parts[i]);
      }
      Path path = Path.of(p).toAbsolutePath().normalize();
      if (!seen.add(path)) {
        throw new UsageException("branch given twice: " + path);
      }
      out.add(new UnionConfig.Branch(path, writable));
    }
    return out;
  }
}
