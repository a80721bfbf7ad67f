package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.posix.Posix;

/**
 * The one component that mounts and unmounts device filesystems for the driver (mount(2) and
 * umount2(2) through {@link Posix}); an interface so that the bookkeeping can be tested with a fake.
 */
interface Mounter {

  /** Performs {@code mount}; the mount point exists. */
  void mount(DeviceMount mount) throws IOException;

  /**
   * Unmounts {@code target}.
   *
   * @param detach lazily (MNT_DETACH): used only for leftovers of a dead process
   */
  void unmount(Path target, boolean detach) throws IOException;

  /** The kernel, through the process-wide {@link Posix}. */
  static Mounter kernel() {
    Posix posix = Posix.get();
    return new Mounter() {
      @Override
      public void mount(DeviceMount m) throws IOException {
        posix.mount(m.source(), m.target(), m.type(), m.flags(), m.data());
      }

      @Override
      public void unmount(Path target, boolean detach) throws IOException {
        posix.umount2(target, detach ? Posix.MNT_DETACH : 0);
      }
    };
  }
}
