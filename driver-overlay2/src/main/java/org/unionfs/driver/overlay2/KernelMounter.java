package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.unionfs.api.posix.Posix;

/**
 * Mounts with mount(2) through {@link Posix}; a spec with paths relative to a directory is mounted by
 * util-linux {@code mount(8)} run with that directory as its working directory, because a JVM cannot
 * change its own (moby does the same in a re-executed child, or a thread after {@code unshare(CLONE_FS)}).
 */
final class KernelMounter implements Mounter {
  private static final long TIMEOUT_SECONDS = 60;
  private final Posix posix;
  private final String mountCommand;

  KernelMounter(Posix posix, String mountCommand) {
    this.posix = posix;
    this.mountCommand = mountCommand;
  }

  /** The kernel through the process-wide {@link Posix} and {@code mount} from the PATH. */
  static KernelMounter system() {
    return new KernelMounter(Posix.get(), "mount");
  }

  @Override
  public void mount(MountSpec spec) throws IOException {
    if (spec.relativeTo() == null) {
      posix.mount(spec.source(), spec.target(), spec.type(), 0, spec.data());
      return;
    }
    // -i: no /sbin/mount.<type> helper; -n: nothing written to mtab/utab. The data is passed verbatim.
    List<String> argv = List.of(mountCommand, "-i", "-n", "-t", spec.type(), "-o", spec.data(),
        spec.source(), spec.target().toString());
    run(argv, spec.relativeTo().toFile(), "mount " + spec.absoluteTarget());
  }

  @Override
  public void unmount(Path target, boolean detach) throws IOException {
    posix.umount2(target, detach ? Posix.MNT_DETACH : 0);
  }

  private static void run(List<String> argv, java.io.File cwd, String what) throws IOException {
    Process p = new ProcessBuilder(argv).directory(cwd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(what + ": " + argv.get(0) + " timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new java.io.InterruptedIOException(what + ": interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IOException(what + ": " + argv.get(0) + " exited with " + p.exitValue() + ": "
          + new String(out, StandardCharsets.UTF_8).trim());
    }
  }
}
