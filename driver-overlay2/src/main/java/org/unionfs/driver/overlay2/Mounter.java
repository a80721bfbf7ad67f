package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one component that performs mounts and unmounts for the driver. Injectable, so the driver's
 * bookkeeping can be tested with a recording fake and without root.
 */
interface Mounter {

  /** Performs {@code spec}; the mount point exists. */
  void mount(MountSpec spec) throws IOException;

  /**
   * Unmounts {@code target}.
   *
   * @param detach lazily (MNT_DETACH): the mount disappears now and is released when no longer busy
   */
  void unmount(Path target, boolean detach) throws IOException;
}
