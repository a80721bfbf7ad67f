package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.driver.devicemapper.activation.KernelMounts;

/**
 * Frees a pool whose owner was killed in the middle of I/O on one of its own devices. Such a process
 * cannot finish dying: a thread waits, uninterruptibly, for a loop device's I/O, which waits for a FUSE
 * reply that only the dying process could give; so it keeps the pool's lock forever. The kernel's way
 * out is to abort the FUSE connection ({@code /sys/fs/fuse/connections/<dev>/abort}): the waiting I/O
 * fails, the process exits, the lock is released. This is done only when the lock's holder (from
 * {@code /proc/locks}) is certainly dying: a zombie thread, a thread in do_exit ({@code PF_EXITING}),
 * or SIGKILL pending on one of its threads.
 */
final class DyingOwner {
  private static final Logger LOG = LoggerFactory.getLogger(DyingOwner.class);
  private static final long SIGKILL_MASK = 1L << (9 - 1);
  private static final long PF_EXITING = 0x4;
  private static final long EXIT_WAIT_MS = 30_000;

  private DyingOwner() {}

  /**
   * If the process holding the lock on {@code lockedFile} is dying, aborts the FUSE connection mounted
   * at {@code fuseDir} and waits for that process to exit.
   *
   * @return whether the lock's holder was dying and has exited
   */
  static boolean release(Path lockedFile, Path fuseDir) throws IOException {
    OptionalLong pid = lockHolder(lockedFile);
    if (pid.isEmpty() || !isDying(pid.getAsLong())) {
      return false;
    }
    String device = fuseDevice(fuseDir);
    if (device != null) {
      Path abort = Path.of("/sys/fs/fuse/connections", device, "abort");
      LOG.warn("devicemapper: process {} was killed during I/O on its own devices; aborting its FUSE "
          + "connection {} so that it can exit", pid.getAsLong(), abort);
      Files.writeString(abort, "1", StandardCharsets.US_ASCII);
    }
    long end = System.currentTimeMillis() + EXIT_WAIT_MS;
    while (Files.exists(Path.of("/proc", Long.toString(pid.getAsLong()))) && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("devicemapper: waiting for process " + pid.getAsLong());
      }
    }
    return !Files.exists(Path.of("/proc", Long.toString(pid.getAsLong())));
  }

  /** The pid of the POSIX lock on {@code file} in /proc/locks ("1: POSIX ADVISORY WRITE pid maj:min:ino 0 EOF"). */
  static OptionalLong lockHolder(Path file) throws IOException {
    long ino = (Long) Files.getAttribute(file, "unix:ino");
    for (String line : Files.readAllLines(Path.of("/proc/locks"), StandardCharsets.UTF_8)) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 6 && f[1].equals("POSIX") && f[5].endsWith(":" + ino)) {
        try {
          return OptionalLong.of(Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /** Whether one of its threads is a zombie, is exiting, or has SIGKILL pending. */
  static boolean isDying(long pid) throws IOException {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
      for (Path task : ds) {
        List<String> status;
        try {
          status = Files.readAllLines(task.resolve("status"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
          continue;
        }
        if (dyingStatus(status) || exitingStat(readOrEmpty(task.resolve("stat")))) {
          return true;
        }
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    return false;
  }

  private static String readOrEmpty(Path p) throws IOException {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  /**
   * One /proc stat line with {@code PF_EXITING} (0x4) in its flags, the ninth field: the thread is in
   * do_exit (a killed thread's pending SIGKILL is already consumed then).
   */
  static boolean exitingStat(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return false;
    }
    String[] f = stat.substring(close + 1).trim().split(" ");
    try {
      return f.length > 6 && (Long.parseLong(f[6]) & PF_EXITING) != 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** One /proc status: "State: Z", or SIGKILL in SigPnd or ShdPnd. */
  static boolean dyingStatus(List<String> status) {
    for (String line : status) {
      if (line.startsWith("State:") && line.substring(6).trim().startsWith("Z")) {
        return true;
      }
      if (line.startsWith("SigPnd:") || line.startsWith("ShdPnd:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        if ((mask & SIGKILL_MASK) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** The minor device number of the FUSE mount at {@code dir} (its connection's name), or null. */
  static String fuseDevice(Path dir) throws IOException {
    for (KernelMounts.Entry e : KernelMounts.entries()) {
      if (e.mountPoint().equals(dir) && e.type().startsWith("fuse")) {
        return e.majorMinor().substring(e.majorMinor().indexOf(':') + 1);
      }
    }
    return null;
  }
}
