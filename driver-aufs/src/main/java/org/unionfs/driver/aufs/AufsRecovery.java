package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.LayerIds;
import org.unionfs.api.fs.FileTrees;

/**
 * Brings an aufs home back to a clean state when the driver opens, after the process that had it open
 * died (kill -9, power loss): stale FUSE mounts under {@code mnt/} are detached, interrupted removals
 * ({@code <id>-removing}) finished, and directories of layers whose {@code layers/} file was never
 * written (an interrupted create) or is gone (an interrupted remove) deleted. A layer whose
 * {@code layers/<id>} exists is never touched, except to finish its removal when its {@code diff/}
 * was already renamed away.
 */
final class AufsRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(AufsRecovery.class);

  private AufsRecovery() {}

  /** What recovery did, for logs and tests. */
  record Report(List<Path> unmounted, List<Path> removed) {}

  /**
   * @param sharedMounts other processes may serve live mounts of this home (DriverContext#sharedMounts):
   *     only dead mounts are detached, and live mount points stay
   */
  static Report run(AufsLayout layout, boolean sharedMounts) throws IOException {
    List<Path> unmounted = AufsMounts.clearStale(layout.mntDir(), sharedMounts);
    List<Path> live = AufsMounts.mountPointsUnder(layout.mntDir());
    List<Path> removed = new ArrayList<>();
    finishRemovals(layout, removed);
    for (Path dir : List.of(layout.diffDir(), layout.mntDir())) {
      for (Path entry : list(dir)) {
        String name = entry.getFileName().toString();
        boolean scratch = layout.removedLayerOf(name) != null;
        boolean orphan = LayerIds.isValid(name) && !layout.exists(name);
        if ((scratch || orphan || name.startsWith(".")) && !live.contains(entry)) {
          FileTrees.deleteTree(entry);
          removed.add(entry);
        }
      }
    }
    for (Path entry : list(layout.layersDir())) {
      if (entry.getFileName().toString().startsWith(".")) { // an atomic write's temp file
        Files.deleteIfExists(entry);
        removed.add(entry);
      }
    }
    for (Path entry : list(layout.home())) {
      if (entry.getFileName().toString().startsWith(AufsDiffs.SPOOL_PREFIX)) {
        FileTrees.deleteTree(entry); // a spooled tar, or a view copy of aufs.mountmode=nio
        removed.add(entry);
      }
    }
    if (!unmounted.isEmpty() || !removed.isEmpty()) {
      LOG.info("aufs: recovered {}: unmounted {}, removed {}", layout.home(), unmounted, removed);
    }
    return new Report(List.copyOf(unmounted), List.copyOf(removed));
  }

  /** A layers file whose diff/ was renamed to its removal scratch name: the remove was under way. */
  private static void finishRemovals(AufsLayout layout, List<Path> removed) throws IOException {
    for (String id : layout.ids()) {
      if (Files.exists(layout.diff(id), LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Path scratch = layout.removing(layout.diffDir(), id);
      if (Files.exists(scratch, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(layout.layersFile(id));
        removed.add(layout.layersFile(id));
      } else {
        LOG.warn("aufs: layer {} has no {}: left as it is (get reports it corrupt)", id, layout.diff(id));
      }
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    }
    return out;
  }
}
