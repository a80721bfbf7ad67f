package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.posix.Posix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out what overlayfs can do for a home, with the checks of moby's overlay2 ({@code Init},
 * {@code overlayutils.SupportsOverlay}, {@code check.go}, {@code NeedsUserXAttr}), each in a scratch
 * directory that is removed afterwards. The scratch directory lives beside the home (in its nearest
 * existing ancestor), so the home is never written; only when the home is itself a mount point (another
 * filesystem than its parent) does it go inside the home, because that filesystem is the one that matters.
 */
final class OverlayProbe {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayProbe.class);
  private static final Path INDEX_PARAMETER = Path.of("/sys/module/overlay/parameters/index");
  private static final Path UID_MAP = Path.of("/proc/self/uid_map");

  private final Posix posix;
  private final HostCalls host;

  OverlayProbe(Posix posix, HostCalls host) {
    this.posix = posix;
    this.host = host;
  }

  static OverlayProbe system() {
    return new OverlayProbe(Posix.get(), HostCalls.get());
  }

  /**
   * Probes overlayfs for {@code home}.
   *
   * @throws NotSupportedException if overlayfs cannot be mounted here, or the backing filesystem lacks
   *     d_type (the reason is Docker's)
   */
  OverlaySupport probe(Path home) throws IOException {
    Path base = probeBase(home);
    String backingFs = posix.statfs(base).dockerName();
    try (ScratchDir scratch = ScratchDir.create(base, posix)) {
      String mountFailure = tryMount(scratch.path().resolve("support"), false);
      if (mountFailure != null) {
        throw new NotSupportedException("overlay2: overlay filesystem not supported on " + base + ": "
            + mountFailure);
      }
      boolean dType = supportsDType(scratch.path().resolve("dtype"));
      if (!dType) {
        throw new NotSupportedException(dTypeMessage(backingFs));
      }
      boolean inUserNs = inUserNamespace();
      boolean userxattr = inUserNs && tryMount(scratch.path().resolve("userxattr"), true) == null;
      NativeDiffCheck.Result nativeDiff = inUserNs && !userxattr
          ? NativeDiffCheck.Result.no("running in a user namespace without userxattr"
              + " (consider updating to kernel 5.11)")
          : NativeDiffCheck.run(scratch.path().resolve("nativediff"), posix, userxattr);
      boolean metacopy = NativeDiffCheck.usingMetacopy(scratch.path().resolve("metacopy"), posix, userxattr);
      boolean indexOff = Files.exists(INDEX_PARAMETER);
      OverlaySupport support = new OverlaySupport(backingFs, true, indexOff, userxattr,
          nativeDiff.reason().isEmpty(), nativeDiff.reason(), nativeDiff.redirectDir(), metacopy,
          host.pageSize());
      LOG.debug("overlay2 probe of {}: {}", home, support);
      return support;
    }
  }

  /** Docker's message for a backing filesystem without d_type ({@code ErrDTypeNotSupported}). */
  static String dTypeMessage(String backingFs) {
    String msg = "overlay2: the backing " + backingFs
        + " filesystem is formatted without d_type support, which leads to incorrect behavior.";
    if (backingFs.equals("xfs")) {
      msg += " Reformat the filesystem with ftype=1 to enable d_type support.";
    } else if (backingFs.equals("extfs")) {
      msg += " Reformat the filesystem (or use tune2fs) with -O filetype flag to enable d_type support.";
    }
    return msg + " Backing filesystems without d_type support are not supported.";
  }

  /** Where the scratch directory goes: see the class comment. */
  Path probeBase(Path home) throws IOException {
    Path abs = home.toAbsolutePath().normalize();
    if (Files.isDirectory(abs) && abs.getParent() != null) {
      long homeDev = posix.lstat(abs).dev();
      long parentDev = posix.lstat(abs.getParent()).dev();
      if (homeDev != parentDev) {
        return abs;
      }
    }
    Path p = abs.getParent() == null ? abs : abs.getParent();
    while (!Files.isDirectory(p) && p.getParent() != null) {
      p = p.getParent();
    }
    return p;
  }

  /** Mounts an overlay with two lowers (and userxattr if asked); returns null or why it failed. */
  private String tryMount(Path dir, boolean userxattr) throws IOException {
    for (String d : new String[] {"lower1", "lower2", "upper", "work", "merged"}) {
      Files.createDirectories(dir.resolve(d));
    }
    String data = (userxattr ? "userxattr," : "") + "lowerdir=" + dir.resolve("lower2") + ":"
        + dir.resolve("lower1") + ",upperdir=" + dir.resolve("upper") + ",workdir=" + dir.resolve("work");
    try {
      posix.mount("overlay", dir.resolve("merged"), "overlay", 0, data);
    } catch (IOException e) {
      return e.getMessage();
    }
    posix.umount2(dir.resolve("merged"), 0);
    return null;
  }

  /** containerd's {@code fs.SupportsDType}: does readdir report the type of a fresh file? */
  private boolean supportsDType(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.createFile(dir.resolve("f"));
    Integer type = host.direntTypes(dir).get("f");
    return type != null && type != HostCalls.DT_UNKNOWN;
  }

  /** Whether this process runs in a user namespace other than the initial one. */
  static boolean inUserNamespace() {
    Optional<String> map;
    try {
      map = Optional.of(Files.readString(UID_MAP, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return false;
    }
    // The initial namespace maps the whole range: "0 0 4294967295".
    String[] f = map.get().trim().split("\\s+");
    return !(f.length == 3 && f[0].equals("0") && f[1].equals("0") && f[2].equals("4294967295"));
  }

  /** A scratch directory removed (after unmounting anything left under it) on close. */
  record ScratchDir(Path path, Posix posix) implements AutoCloseable {
    static ScratchDir create(Path base, Posix posix) throws IOException {
      return new ScratchDir(Files.createTempDirectory(base, ".overlay2-probe-"), posix);
    }

    @Override
    public void close() throws IOException {
      for (Path mount : MountTable.under(MountTable.read(), path)) {
        posix.umount2(mount, Posix.MNT_DETACH);
      }
      Trees.deleteRecursively(path);
    }
  }
}
