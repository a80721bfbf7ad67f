package org.unionfs.driver.devicemapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * The filesystem tools moby's devicemapper runs, as argument lists (pure, tested without root) and
 * a runner; and the filesystem identity read straight from a thin device, where moby runs
 * {@code blkid}.
 */
final class FsTools {
  private static final long TIMEOUT_SECONDS = 600;
  /** moby's ext4 options: no discard at mkfs, every inode table and the journal written now. */
  static final String EXT4_EXTENDED = "nodiscard,lazy_itable_init=0,lazy_journal_init=0";

  private FsTools() {}

  /** The mkfs of moby's {@code createFilesystem}; a second ext4 form without lazy_journal_init. */
  static List<List<String>> mkfs(String filesystem, List<String> mkfsArgs, Path device) {
    List<List<String>> attempts = new ArrayList<>();
    if (filesystem.equals("xfs")) {
      List<String> argv = new ArrayList<>(List.of("mkfs.xfs"));
      argv.addAll(mkfsArgs);
      argv.add(device.toString());
      attempts.add(argv);
      return attempts;
    }
    for (String extended : List.of(EXT4_EXTENDED, "nodiscard,lazy_itable_init=0")) {
      List<String> argv = new ArrayList<>(List.of("mkfs.ext4", "-E", extended));
      argv.addAll(mkfsArgs);
      argv.add(device.toString());
      attempts.add(argv);
    }
    return attempts;
  }

  /** moby's ext4 follow-up: no mount-count or interval checks. */
  static List<String> tune2fs(Path device) {
    return List.of("tune2fs", "-c", "-1", "-i", "0", device.toString());
  }

  /** moby's {@code growFS}, run while the filesystem is mounted at {@code mountPoint}. */
  static List<String> growFs(String filesystem, Path device, Path mountPoint) {
    return filesystem.equals("xfs")
        ? List.of("xfs_growfs", mountPoint.toString()) // xfsprogs >= 4.x takes the mount point only
        : List.of("resize2fs", device.toString());
  }

  /** Formats {@code device}: each attempt in turn until one succeeds, then tune2fs for ext4. */
  static void format(String filesystem, List<String> mkfsArgs, Path device) throws IOException {
    IOException failure = null;
    for (List<String> argv : mkfs(filesystem, mkfsArgs, device)) {
      try {
        run(argv);
        failure = null;
        break;
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    if (filesystem.equals("ext4")) {
      run(tune2fs(device));
    }
  }

  /**
   * Runs {@code argv}, returning its output.
   *
   * @throws IOException naming the command, its exit code and its output when it fails
   */
  static String run(List<String> argv) throws IOException {
    return run(argv, 0);
  }

  /** {@link #run(List)} accepting any of {@code okExitCodes}. */
  static String run(List<String> argv, int... okExitCodes) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("devicemapper: cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("devicemapper: " + String.join(" ", argv) + ": no answer after "
            + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("devicemapper: " + String.join(" ", argv) + ": interrupted");
    }
    if (java.util.Arrays.stream(okExitCodes).noneMatch(c -> c == p.exitValue())) {
      throw new IOException("devicemapper: " + String.join(" ", argv) + ": exit code " + p.exitValue()
          + (out.isEmpty() ? "" : ": " + out));
    }
    return out;
  }

  /** Whether {@code tool} is an executable on the PATH. */
  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** A filesystem found on a device: its type and UUID as {@code blkid} prints them. */
  record Identity(String filesystem, String uuid) {}

  /**
   * The filesystem on thin device {@code deviceId}, read from the pool (ext4: superblock at 1024, magic
   * 0xEF53 at +56, UUID at +104; xfs: "XFSB" at 0, UUID at +32), or empty when neither is there.
   */
  static Optional<Identity> identify(ThinPool pool, int deviceId) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(4096);
    pool.read(deviceId, 0, head);
    byte[] b = head.array();
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if ((le.getShort(1024 + 56) & 0xffff) == 0xEF53) {
      return Optional.of(new Identity("ext4", uuid(b, 1024 + 104)));
    }
    if (b[0] == 'X' && b[1] == 'F' && b[2] == 'S' && b[3] == 'B') {
      return Optional.of(new Identity("xfs", uuid(b, 32)));
    }
    return Optional.empty();
  }

  static String uuid(byte[] b, int off) {
    String hex = HexFormat.of().formatHex(b, off, off + 16);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
        + hex.substring(16, 20) + "-" + hex.substring(20);
  }
}
