package org.unionfs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.fuse.binding.JnrFuseBinding;

/** Host capability probes and helpers of the mount tests. */
final class FuseTestSupport {
  private FuseTestSupport() {}

  /** Root, /dev/fuse, libfuse2 and fusermount: a real FUSE mount can be made. */
  static boolean fuseAvailable() {
    if (!UnionConfig.processIsRoot() || !Files.exists(Path.of("/dev/fuse"))) {
      return false;
    }
    try {
      new JnrFuseBinding().requireAvailable();
    } catch (IOException e) {
      return false;
    }
    return run("fusermount", "-V") == 0;
  }

  /** fuseAvailable and kernel overlayfs. */
  static boolean fuseAndOverlayAvailable() {
    try {
      return fuseAvailable() && Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n");
    } catch (IOException e) {
      return false;
    }
  }

  static void mountOverlay(Path lower, Path upper, Path work, Path mnt) throws IOException {
    Posix.get().mount("overlay", mnt, "overlay", 0,
        "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work + ",redirect_dir=off");
  }

  static void umount(Path mnt) throws IOException {
    Posix.get().umount2(mnt, 0);
  }

  static boolean isMounted(Path mnt) throws IOException {
    return MountTable.typeAt(mnt).isPresent();
  }

  static int run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
