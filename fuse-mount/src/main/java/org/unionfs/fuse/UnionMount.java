package org.unionfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.UnionFileSystem;
import org.unionfs.fuse.binding.FuseBinding;
import org.unionfs.fuse.binding.JnrFuseBinding;
import org.unionfs.fuse.binding.MountRequest;

/**
 * Mounts a union of branches with FUSE: opens the {@link UnionFileSystem}, serves it through
 * {@link UnionFuseOperations} and waits until the mount is live. The union is closed when the loop ends.
 */
public final class UnionMount {
  private static final Logger LOG = LoggerFactory.getLogger(UnionMount.class);
  /** How long a mount may take to become live (a JVM on a loaded 2-core host starts slowly). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private UnionMount() {}

  /**
   * Mounts {@code branches} at {@code mountPoint}. The rename policy is the options'; so is the whiteout
   * format when {@code whiteout=} was given, else the branches' own (a driver's layer keeps its format).
   *
   * @throws FuseMountException a missing branch, a bad mount point, no /dev/fuse, a failed mount
   */
  public static FuseMount mount(UnionConfig branches, Path mountPoint, MountOptions options)
      throws FuseMountException {
    return mount(new JnrFuseBinding(), branches, mountPoint, options);
  }

  /** As {@link #mount(UnionConfig, Path, MountOptions)} with another binding. */
  public static FuseMount mount(FuseBinding binding, UnionConfig branches, Path mountPoint,
      MountOptions options) throws FuseMountException {
    for (UnionConfig.Branch b : branches.branches()) {
      if (!Files.isDirectory(b.path())) {
        throw new FuseMountException("missing branch: " + b.path() + " is not a directory");
      }
    }
    Path mnt = mountPoint.toAbsolutePath().normalize();
    // the mount point first: a busy one must be reported as such, not as a branch in use
    MountPreflight.requireDevFuse();
    MountPreflight.requireMountPoint(mnt, options.nonEmpty());
    UnionConfig config = (options.whiteoutGiven() ? branches.withWhiteoutFormat(options.whiteoutFormat())
        : branches).withDirectoryRename(options.directoryRename());
    UnionFileSystem union;
    try {
      union = UnionFileSystem.open(config);
    } catch (IOException | RuntimeException e) {
      throw new FuseMountException("cannot open the union: " + e.getMessage(), e);
    }
    return serve(binding, union, config.root(), mnt, options);
  }

  /**
   * Mounts an open union at {@code mountPoint}; the union is closed when the mount ends (or fails).
   *
   * @param chownToCaller give new entries the requesting uid/gid (as root)
   */
  public static FuseMount serve(FuseBinding binding, UnionFileSystem union, boolean chownToCaller,
      Path mountPoint, MountOptions options) throws FuseMountException {
    Path mnt = mountPoint.toAbsolutePath().normalize();
    MountRequest request = new MountRequest(mnt, options.fuseOptions(), "unionfs",
        options.singleThreaded(), false);
    UnionFuseOperations ops = new UnionFuseOperations(union, chownToCaller);
    try {
      return FuseMount.mount(binding, ops, request, options.nonEmpty(), () -> closeUnion(union, mnt),
          DEFAULT_TIMEOUT);
    } catch (FuseMountException e) {
      closeUnion(union, mnt);
      throw e;
    }
  }

  private static void closeUnion(UnionFileSystem union, Path mnt) {
    try {
      union.close();
    } catch (IOException e) {
      LOG.warn("closing the union of {}: {}", mnt, e.getMessage());
    }
  }
}
