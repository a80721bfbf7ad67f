package org.unionfs.driver.vfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.unionfs.api.fs.FileTrees;

/**
 * A fresh filesystem of a given type for each test, on a sparse image file mounted through a loop device
 * ({@code mount -o loop}, which detaches the device again on unmount). Tests are skipped, with the reason,
 * where this cannot work: not root, no loop devices, no {@code mkfs.<type>}, or a kernel without the
 * filesystem.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   final LoopFilesystem xfs = LoopFilesystem.of("xfs").mkfsOptions("-m", "reflink=1");
 *   ...
 *   Path root = xfs.path();
 * </pre>
 */
public final class LoopFilesystem implements BeforeEachCallback, AfterEachCallback {
  private final String type;
  private long sizeMiB = 512;
  private final List<String> mkfsOptions = new ArrayList<>();
  private String mountOptions = "";
  private Path workDir;
  private Path mountPoint;

  private LoopFilesystem(String type) {
    this.type = type;
  }

  /** A filesystem of {@code type} ("btrfs", "xfs", "ext4"), 512 MiB unless {@link #sizeMiB} says. */
  public static LoopFilesystem of(String type) {
    return new LoopFilesystem(type);
  }

  public LoopFilesystem sizeMiB(long size) {
    this.sizeMiB = size;
    return this;
  }

  /** Extra arguments of {@code mkfs.<type>}, e.g. "-m", "reflink=1". */
  public LoopFilesystem mkfsOptions(String... options) {
    mkfsOptions.addAll(List.of(options));
    return this;
  }

  /** Mount options, e.g. "pquota". */
  public LoopFilesystem mountOptions(String options) {
    this.mountOptions = options;
    return this;
  }

  /** The root of the mounted filesystem (valid during a test). */
  public Path path() {
    if (mountPoint == null) {
      throw new IllegalStateException(type + " loop filesystem is not mounted");
    }
    return mountPoint;
  }

  /** Why a loop-mounted {@code type} cannot be made here, or "" if it can. */
  public static String unavailableReason(String type) {
    if (!isRoot()) {
      return "needs root to mount a loop device";
    }
    if (!Files.exists(Path.of("/dev/loop-control"))) {
      return "no loop devices (/dev/loop-control missing)";
    }
    if (findTool("mkfs." + type) == null) {
      return "mkfs." + type + " not installed (apt-get install " + packageOf(type) + ")";
    }
    if (findTool("mount") == null) {
      return "mount not installed";
    }
    return "";
  }

  private static String packageOf(String type) {
    return switch (type) {
      case "btrfs" -> "btrfs-progs";
      case "xfs" -> "xfsprogs";
      default -> "e2fsprogs";
    };
  }

  static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static Path findTool(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    return null;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    String reason = unavailableReason(type);
    Assumptions.assumeTrue(reason.isEmpty(), "loop " + type + ": " + reason);
    workDir = Files.createTempDirectory("unionfs-loop-" + type + "-");
    Path image = workDir.resolve("image");
    try (var raf = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      raf.setLength(sizeMiB << 20);
    }
    List<String> mkfs = new ArrayList<>(List.of(findTool("mkfs." + type).toString()));
    mkfs.add(type.startsWith("ext") ? "-F" : "-f");
    mkfs.add("-q");
    mkfs.addAll(mkfsOptions);
    mkfs.add(image.toString());
    String mkfsOut = run(mkfs);
    Assumptions.assumeTrue(mkfsOut == null, () -> "loop " + type + ": mkfs failed: " + mkfsOut);
    mountPoint = Files.createDirectory(workDir.resolve("mnt"));
    String opts = "loop" + (mountOptions.isEmpty() ? "" : "," + mountOptions);
    String mountOut = run(List.of("mount", "-t", type, "-o", opts, image.toString(), mountPoint.toString()));
    if (mountOut != null) {
      Path mp = mountPoint;
      mountPoint = null;
      FileTrees.deleteTree(workDir);
      Assumptions.assumeTrue(false, "loop " + type + " -o " + opts + ": mount failed"
          + kernelHint() + ": " + mountOut + " [" + mp + "]");
    }
  }

  /** What the kernel's build configuration says about this filesystem and its quotas, if readable. */
  private String kernelHint() {
    Path config = Path.of("/proc/config.gz");
    if (!Files.isReadable(config)) {
      return "";
    }
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(config))) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String fsKey = "CONFIG_" + type.toUpperCase(java.util.Locale.ROOT) + "_FS";
      if (text.contains("# " + fsKey + " is not set")) {
        return " (kernel built without " + fsKey + ")";
      }
      if (mountOptions.contains("quota") && type.equals("xfs")
          && text.contains("# CONFIG_XFS_QUOTA is not set")) {
        return " (kernel built without CONFIG_XFS_QUOTA: xfs quotas cannot be enabled here)";
      }
      if (mkfsOptions.contains("quota,project") || mountOptions.contains("prjquota")) {
        if (text.contains("# CONFIG_QFMT_V2 is not set")) {
          return " (kernel built without CONFIG_QFMT_V2: ext4 quotas cannot be enabled here)";
        }
      }
    } catch (IOException e) {
      return "";
    }
    return "";
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (workDir == null) {
      return;
    }
    try {
      if (mountPoint != null) {
        String out = run(List.of("umount", mountPoint.toString()));
        if (out != null) {
          run(List.of("umount", "-l", mountPoint.toString()));
        }
      }
    } finally {
      mountPoint = null;
      FileTrees.deleteTree(workDir);
      workDir = null;
    }
  }

  /** Runs a command; null on success, else its output and exit status. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", command) + ": timed out";
    }
    return p.exitValue() == 0 ? null
        : String.join(" ", command) + " exited " + p.exitValue() + ": "
            + new String(out, StandardCharsets.UTF_8).strip();
  }

  /** Runs a command and returns its output; fails the test if it fails. */
  static String output(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
