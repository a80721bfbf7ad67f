package org.unionfs.api.quota;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.unionfs.api.posix.FsMagic;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * XFS project quotas on directories below a driver's home, as moby's {@code quota.Control}: each limited
 * directory gets its own project id (with {@code FS_XFLAG_PROJINHERIT}, so everything created inside
 * is charged to it) and a hard and soft block limit. Driver-neutral: vfs limits {@code dir/<id>},
 * overlay2 would limit {@code <id>/}.
 *
 * <p>Available when the home is on xfs mounted with {@code pquota} (moby's only case), or on ext4 with
 * the {@code project} and {@code quota} features mounted with {@code prjquota} (the same system calls
 * work there through the kernel's generic quota layer); see {@link #unsupportedReason}. Project ids: the home's own id is the base; ids above it are handed out
 * in turn, skipping any id found on a directory up to two levels below the home at {@link #open} and any
 * id that already has usage or limits recorded by the filesystem (so two processes, or an id left on a
 * removed layer, do not collide).
 *
 * <p>Differences from moby: no {@code backingFsBlockDev} node is created in the home (we use
 * {@code quotactl_fd(2)}, and the mount's block device from {@code /proc/self/mountinfo} on kernels
 * before 5.14), and opening sets no trial quota, so {@link #open} has no side effects.
 *
 * <p>Thread-safe.
 */
public final class ProjectQuota {
  private static final int SCAN_DEPTH = 2;
  private static final String HOW = "project quotas need xfs mounted with -o pquota"
      + " (or ext4 made with -O quota,project and mounted with -o prjquota)";

  private final Path home;
  private final QuotaCalls calls;
  private final int baseId;
  private int nextId;

  private ProjectQuota(Path home, QuotaCalls calls, int baseId, int nextId) {
    this.home = home;
    this.calls = calls;
    this.baseId = baseId;
    this.nextId = nextId;
  }

  /**
   * Project quotas for directories below {@code home}, or empty if the filesystem of {@code home} cannot
   * enforce them. Reads only; creates and changes nothing.
   *
   * @throws IOException if {@code home} cannot be examined (missing, unreadable)
   */
  public static Optional<ProjectQuota> open(Path home) throws IOException {
    Path abs = home.toAbsolutePath().normalize();
    if (!unsupportedReason(abs).isEmpty()) {
      return Optional.empty();
    }
    QuotaCalls calls = QuotaCalls.forFilesystemOf(abs);
    int base = QuotaCalls.projectId(abs);
    int max = Math.max(base, scanMaxId(abs, SCAN_DEPTH));
    return Optional.of(new ProjectQuota(abs, calls, base, max + 1));
  }

  /**
   * Why {@code home} cannot have project quotas ("" if it can): not xfs or ext4, or without project quota
   * accounting and enforcement (a kernel built without {@code CONFIG_XFS_QUOTA} cannot mount xfs with
   * pquota at all), or no privilege to query quotas.
   */
  public static String unsupportedReason(Path home) throws IOException {
    Path abs = home.toAbsolutePath().normalize();
    long magic = Posix.get().statfs(abs).type() & 0xffffffffL;
    if (magic != FsMagic.XFS && magic != FsMagic.EXTFS) {
      return abs + " is on " + FsMagic.dockerName(magic) + ": " + HOW;
    }
    String fs = FsMagic.dockerName(magic);
    QuotaCalls calls = QuotaCalls.forFilesystemOf(abs);
    int flags;
    try {
      flags = calls.quotaStatFlags();
    } catch (PosixException e) {
      if (e.errno() == Posix.ENOSYS) { // the filesystem has no quota operations at all
        return abs + " is on " + fs + " without quotas: " + HOW;
      }
      return abs + ": cannot query " + fs + " quota state (" + e.getMessage() + ")";
    } catch (IOException e) {
      return abs + ": cannot query " + fs + " quota state (" + e.getMessage() + ")";
    }
    int needed = QuotaNative.FS_QUOTA_PDQ_ACCT | QuotaNative.FS_QUOTA_PDQ_ENFD;
    if ((flags & needed) != needed) {
      return abs + " is on " + fs + " without project quota enforcement: " + HOW;
    }
    return "";
  }

  /** The home these quotas were opened for. */
  public Path home() {
    return home;
  }

  /**
   * Limits what {@code dir} (and everything created inside it from now on) may hold to {@code bytes}
   * (rounded down to 512-byte blocks, as moby does). Call it on an empty directory: entries that already
   * exist keep their project id and are not charged.
   *
   * @return the project id of {@code dir}
   * @throws IllegalArgumentException if {@code bytes} is not positive or {@code dir} is not below the home
   */
  public synchronized int setQuota(Path dir, long bytes) throws IOException {
    Path abs = requireBelowHome(dir);
    if (bytes <= 0) {
      throw new IllegalArgumentException("quota for " + abs + " must be positive: " + bytes);
    }
    int id = QuotaCalls.projectId(abs);
    if (id <= baseId || !QuotaCalls.inheritsProject(abs)) {
      id = allocateId();
      QuotaCalls.setProjectId(abs, id);
    }
    calls.setBlockLimit(id, bytes / 512);
    return id;
  }

  /** Removes the limit of {@code dir}'s project (the directory keeps its id); no-op without one. */
  public synchronized void clear(Path dir) throws IOException {
    Path abs = requireBelowHome(dir);
    int id = QuotaCalls.projectId(abs);
    if (id > baseId) {
      calls.setBlockLimit(id, 0);
    }
  }

  /** The hard block limit of {@code dir}'s project in bytes, or 0 for none. */
  public long limit(Path dir) throws IOException {
    int id = QuotaCalls.projectId(requireBelowHome(dir));
    return id > baseId ? calls.getQuota(id).hardLimitBytes() : 0;
  }

  /** The bytes charged to {@code dir}'s project, or 0 when it has no project of its own. */
  public long usage(Path dir) throws IOException {
    int id = QuotaCalls.projectId(requireBelowHome(dir));
    return id > baseId ? calls.getQuota(id).usedBytes() : 0;
  }

  private Path requireBelowHome(Path dir) {
    Path abs = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    if (!abs.startsWith(home) || abs.equals(home)) {
      throw new IllegalArgumentException(abs + " is not below the quota home " + home);
    }
    return abs;
  }

  private int allocateId() throws IOException {
    while (true) {
      int id = nextId++;
      if (id <= 0) {
        throw new IOException("project ids exhausted below " + home);
      }
      QuotaCalls.DiskQuota q = calls.getQuota(id);
      if (q.isUnused()) {
        return id;
      }
    }
  }

  private static int scanMaxId(Path dir, int depth) throws IOException {
    int max = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path child : ds) {
        if (!Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        max = Math.max(max, QuotaCalls.projectId(child));
        if (depth > 1) {
          max = Math.max(max, scanMaxId(child, depth - 1));
        }
      }
    }
    return max;
  }

  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
  }
}
