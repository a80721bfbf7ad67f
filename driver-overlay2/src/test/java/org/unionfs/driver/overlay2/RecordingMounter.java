package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A mounter that records every spec before passing it to the real one. */
final class RecordingMounter implements Mounter {
  final Mounter real;
  final List<MountSpec> mounts = new ArrayList<>();
  final List<Path> unmounts = new ArrayList<>();

  RecordingMounter(Mounter real) {
    this.real = real;
  }

  @Override
  public synchronized void mount(MountSpec spec) throws IOException {
    mounts.add(spec);
    real.mount(spec);
  }

  @Override
  public synchronized void unmount(Path target, boolean detach) throws IOException {
    unmounts.add(target);
    real.unmount(target, detach);
  }
}
