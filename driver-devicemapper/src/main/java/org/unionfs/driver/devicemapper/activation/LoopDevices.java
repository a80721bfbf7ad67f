package org.unionfs.driver.devicemapper.activation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.unionfs.api.error.LayerInUseException;

/**
 * The loop devices of the kernel, through {@code losetup} (to change them) and sysfs (to read them:
 * {@code /sys/block/loopN/loop/backing_file} exists only while the device is bound to a file).
 */
final class LoopDevices {
  private static final Path SYS_BLOCK = Path.of("/sys/block");
  private static final String DELETED = " (deleted)";

  private LoopDevices() {}

  /** A bound loop device and the file behind it. */
  record Loop(Path device, Path backingFile) {}

  /** Binds a free loop device to {@code file} with direct I/O on; returns /dev/loopN. */
  static Path attach(Path file) throws IOException {
    String out = Commands.run("losetup", "-f", "--show", "--direct-io=on", file.toString());
    if (!out.startsWith("/dev/loop")) {
      throw new IOException("losetup -f --show " + file + ": unexpected answer '" + out + "'");
    }
    return Path.of(out);
  }

  /**
   * Unbinds {@code loop} from {@code file} and waits until the kernel has released it. The kernel
   * only marks a device still open by someone (udev probing it, a mount) for release at its last close,
   * which is why this waits.
   *
   * @throws LayerInUseException when a filesystem on it is still mounted (nothing is changed then)
   */
  static void detach(Path loop, Path file, Duration wait) throws IOException {
    String devNo = majorMinor(loop);
    List<Path> mounted = KernelMounts.mountPointsOf(devNo);
    if (!mounted.isEmpty()) {
      throw new LayerInUseException(loop + " (backing " + file + ") is still mounted on " + mounted.get(0)
          + ": unmount it first");
    }
    if (backingFile(loop).filter(file::equals).isEmpty()) {
      return; // released already
    }
    Commands.run("losetup", "-d", loop.toString());
    long deadline = System.nanoTime() + wait.toNanos();
    while (backingFile(loop).filter(file::equals).isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new LayerInUseException(loop + " (backing " + file + ") is still bound " + wait.toSeconds()
            + " s after losetup -d: something holds it open");
      }
      sleep(10);
    }
  }

  /** Makes the kernel read the backing file's size again ({@code losetup -c}). */
  static void refreshCapacity(Path loop) throws IOException {
    Commands.run("losetup", "-c", loop.toString());
  }

  /** The size the kernel shows for {@code loop}, in bytes. */
  static long sizeBytes(Path loop) throws IOException {
    return Long.parseLong(Files.readString(sys(loop).resolve("size")).trim()) * 512;
  }

  /** Whether the kernel does direct I/O on the backing file of {@code loop}. */
  static boolean directIo(Path loop) throws IOException {
    return Files.readString(sys(loop).resolve("loop/dio")).trim().equals("1");
  }

  /** The device number of {@code loop} as mountinfo writes it ("7:3"). */
  static String majorMinor(Path loop) throws IOException {
    return Files.readString(sys(loop).resolve("dev")).trim();
  }

  /** The file {@code loop} is bound to, or empty when it is free. */
  static Optional<Path> backingFile(Path loop) throws IOException {
    try {
      String s = Files.readString(sys(loop).resolve("loop/backing_file")).trim();
      if (s.endsWith(DELETED)) {
        s = s.substring(0, s.length() - DELETED.length());
      }
      return Optional.of(Path.of(s));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Every bound loop device whose backing file lies directly in {@code dir}. */
  static List<Loop> boundUnder(Path dir) throws IOException {
    List<Loop> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(SYS_BLOCK, "loop*")) {
      for (Path p : s) {
        Path dev = Path.of("/dev", p.getFileName().toString());
        Optional<Path> back = backingFile(dev);
        if (back.isPresent() && dir.equals(back.get().getParent())) {
          out.add(new Loop(dev, back.get()));
        }
      }
    }
    return out;
  }

  private static Path sys(Path loop) {
    return SYS_BLOCK.resolve(loop.getFileName().toString());
  }

  static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }
}
