package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.internal.AtomicFiles;

/**
 * Creates and removes layer directories crash-safely. Docker's files, built where a crash cannot leave a
 * half layer under its real name:
 * <ol>
 *   <li>{@code <home>/.creating-<id>-<random>/} gets {@code diff/}, {@code link}, and with a parent
 *       {@code work/} and {@code lower}, all with Docker's modes (and the project quota, before anything
 *       is created inside, so everything inherits it);
 *   <li>{@code l/<LINK> -> ../<id>/diff} is created (dangling for an instant);
 *   <li>{@code committed} is written into the parent;
 *   <li>the directory is renamed to {@code <home>/<id>}: the layer now exists, whole.
 * </ol>
 * A crash before the rename leaves a {@code .creating-} directory and perhaps a dangling link, both
 * removed by {@link Recovery} when the driver opens. Removal renames {@code <id>} to
 * {@code .removing-<id>-<random>} first (the layer is gone at once), then deletes the link and the tree.
 */
final class LayerBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(LayerBuilder.class);

  private final Overlay2Layout layout;
  private final LayerQuotas quotas;

  LayerBuilder(Overlay2Layout layout, LayerQuotas quotas) {
    this.layout = layout;
    this.quotas = quotas;
  }

  /** Builds layer {@code id} on {@code parent} (null for none) with the given lower entries. */
  void build(String id, String parent, List<String> lower, long quotaBytes) throws IOException {
    Path tmp = layout.home().resolve(Overlay2Layout.CREATING_PREFIX + id + "-" + shortRandom());
    String linkId = Overlay2Layout.newLinkId();
    Path link = layout.link(linkId);
    boolean linked = false;
    try {
      mkdir(tmp, Overlay2Layout.LAYER_DIR_MODE);
      if (quotaBytes > 0) {
        quotas.apply(tmp, quotaBytes);
      }
      mkdir(tmp.resolve(Overlay2Layout.DIFF_DIR), Overlay2Layout.DIFF_MODE);
      AtomicFiles.writeString(tmp.resolve(Overlay2Layout.LINK_FILE), linkId, Overlay2Layout.META_FILE_MODE);
      if (parent != null) {
        mkdir(tmp.resolve(Overlay2Layout.WORK_DIR), Overlay2Layout.WORK_MODE);
        AtomicFiles.writeString(tmp.resolve(Overlay2Layout.LOWER_FILE), String.join(":", lower),
            Overlay2Layout.META_FILE_MODE);
      }
      Files.createSymbolicLink(link, Path.of(Overlay2Layout.linkTarget(id)));
      linked = true;
      AtomicFiles.fsyncDirectory(layout.linkDir());
      if (parent != null) {
        Overlay2Driver.markCommitted(layout, parent);
      }
      AtomicFiles.moveAtomically(tmp, layout.dir(id));
      AtomicFiles.fsyncDirectory(layout.home());
    } catch (IOException | RuntimeException e) {
      try {
        if (linked) {
          Files.deleteIfExists(link);
        }
        Trees.deleteRecursively(tmp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** Removes a layer that nothing uses: rename away, then delete its link and its tree. */
  static void removeLayer(Overlay2Layout layout, String id) throws IOException {
    String linkId = null;
    try {
      linkId = layout.readLink(id);
    } catch (IOException e) {
      LOG.warn("overlay2: removing layer {} without a readable link: {}", id, e.getMessage());
    }
    Path doomed = layout.home().resolve(Overlay2Layout.REMOVING_PREFIX + id + "-" + shortRandom());
    AtomicFiles.moveAtomically(layout.dir(id), doomed);
    AtomicFiles.fsyncDirectory(layout.home());
    if (linkId != null) {
      Files.deleteIfExists(layout.link(linkId));
    }
    Trees.deleteRecursively(doomed);
  }

  private static void mkdir(Path dir, String mode) throws IOException {
    Files.createDirectory(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode)); // not subject to umask
  }

  private static String shortRandom() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
