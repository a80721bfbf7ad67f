package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.union.UnionConfig;

/**
 * How the driver makes a layer's union visible: FUSE mounts ({@link AufsMounts}) or in-process
 * {@code union:} file systems ({@link AufsNioViews}). At most one view per layer; the driver counts
 * references and serialises calls per layer id.
 */
interface LayerViews {
  /** Opens the view of {@code id} over {@code branches}; {@code mnt} is its mount point if it needs one. */
  void mount(String id, UnionConfig branches, Path mnt) throws IOException;

  /** The path get returns for the open view of {@code id}. */
  Path path(String id, Path mnt);

  /** Closes the view of {@code id}, if it has one. */
  void unmount(String id) throws IOException;

  boolean isMounted(String id);

  /** Closes every view; reports the first failure after trying all. */
  void unmountAll() throws IOException;
}
