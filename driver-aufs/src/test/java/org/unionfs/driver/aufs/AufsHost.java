package org.unionfs.driver.aufs;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.unionfs.api.union.UnionConfig;

/** What the aufs tests need from the host. */
final class AufsHost {
  private AufsHost() {}

  /** Skips (with the reason) unless running as root with a usable /dev/fuse. */
  static void assumeFuseAndRoot() {
    Assumptions.assumeTrue(UnionConfig.processIsRoot(), "aufs mounts layers with FUSE as root: not root");
    Path fuse = Path.of("/dev/fuse");
    Assumptions.assumeTrue(Files.isReadable(fuse) && Files.isWritable(fuse), "no usable /dev/fuse");
  }
}
