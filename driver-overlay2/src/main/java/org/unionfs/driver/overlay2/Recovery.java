package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.LayerIds;

/**
 * Brings a home back to a clean state when the driver opens, after a crash (kill -9, power loss) of the
 * process that had it open: stale overlay mounts are detached, {@code merged/} directories (which exist
 * only while mounted) removed, half-created and half-removed layers ({@code .creating-*},
 * {@code .removing-*}) deleted, and links in {@code l/} that point to no layer dropped. Layers themselves
 * are never touched: a layer either exists whole or not at all (see {@link LayerBuilder}). When mounts
 * are shared with other processes (the command line), mounts are live state, not debris, and stay.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  private Recovery() {}

  /** What recovery did, for logs and tests. */
  record Report(List<Path> unmounted, List<Path> removed) {
    boolean isEmpty() {
      return unmounted.isEmpty() && removed.isEmpty();
    }
  }

  /**
   * @param sharedMounts whether other processes may be using mounts under the home
   *     (DriverContext#sharedMounts): then mounts and the merged/ directories under them stay
   */
  static Report run(Overlay2Layout layout, Mounter mounter, boolean sharedMounts) throws IOException {
    List<Path> unmounted = sharedMounts ? List.of() : unmountAll(layout, mounter);
    List<Path> mountPoints = sharedMounts ? MountTable.under(MountTable.read(), layout.home()) : List.of();
    List<Path> removed = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.home())) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(Overlay2Layout.CREATING_PREFIX) || name.startsWith(Overlay2Layout.REMOVING_PREFIX)) {
          Trees.deleteRecursively(entry);
          removed.add(entry);
        } else if (LayerIds.isValid(name) && layout.exists(name)) {
          Path merged = layout.merged(name);
          if (!mountPoints.contains(merged) && removeEmptyDir(merged)) {
            removed.add(merged);
          }
        }
      }
    }
    try (DirectoryStream<Path> links = Files.newDirectoryStream(layout.linkDir())) {
      for (Path link : links) {
        if (Files.isSymbolicLink(link) && !Files.exists(link)) {
          Files.delete(link);
          removed.add(link);
        }
      }
    }
    Report report = new Report(List.copyOf(unmounted), List.copyOf(removed));
    if (!report.isEmpty()) {
      LOG.info("overlay2: recovered {}: unmounted {}, removed {}", layout.home(), unmounted, removed);
    }
    return report;
  }

  /**
   * Detaches every mount strictly below the home (deepest first; the home itself may be a mount point
   * and stays) and removes the {@code merged/} directories that were mount points.
   *
   * @return the mount points detached
   */
  static List<Path> unmountAll(Overlay2Layout layout, Mounter mounter) throws IOException {
    List<Path> done = new ArrayList<>();
    IOException failure = null;
    for (Path mountPoint : MountTable.under(MountTable.read(), layout.home())) {
      if (mountPoint.equals(layout.home())) {
        continue;
      }
      try {
        mounter.unmount(mountPoint, true);
        done.add(mountPoint);
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
        continue;
      }
      if (mountPoint.getFileName().toString().equals(Overlay2Layout.MERGED_DIR)) {
        removeEmptyDir(mountPoint);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return done;
  }

  private static boolean removeEmptyDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      Files.delete(dir);
      return true;
    } catch (DirectoryNotEmptyException e) {
      LOG.warn("overlay2: {} is not a mount point but holds files; left alone", dir);
      return false;
    }
  }
}
