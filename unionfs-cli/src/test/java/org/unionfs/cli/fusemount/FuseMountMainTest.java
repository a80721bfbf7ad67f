package org.unionfs.cli.fusemount;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The command as a user runs it: exit status, the one error line, and the daemonized mount. */
class FuseMountMainTest {
  @TempDir
  Path tmp;
  private final List<Path> mounted = new ArrayList<>();

  @AfterEach
  void unmountLeftovers() {
    for (Path m : mounted) {
      run("fusermount", "-u", "-z", m.toString());
    }
  }

  private record Result(int rc, String out, String err) {}

  private static Result main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = FuseMountMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static boolean fuseAvailable() {
    return Files.exists(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name"))
        && run("fusermount", "-V") == 0;
  }

  static int run(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void help_printsUsage_exit0() {
    Result r = main("--help");
    assertThat(r.rc()).isZero();
    assertThat(r.out()).startsWith("Usage: fuse-mount dirs=BRANCH");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void badUsage_exit2_oneLinePlusHint() {
    Result r = main("dirs=/a=rw:/b=rw", "/m");
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly(
        "fuse-mount: only the first branch may be read-write: /b=rw", "Try 'fuse-mount --help'.");
  }

  @Test
  void badOption_exit1_oneLine() throws Exception {
    Result r = main("dirs=" + Files.createDirectory(tmp.resolve("a")), tmp.toString(), "-o", "alow_other");
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err().lines()).containsExactly(
        "fuse-mount: bad option 'alow_other': not a unionfs or libfuse2 option");
  }

  @Test
  void unknownDriver_exit2() throws Exception {
    Result r = main("--driver", "zfs", "--home", tmp.toString(), "--layer", "x", "/m");
    assertThat(r.rc()).isEqualTo(2);
    assertThat(r.err()).startsWith("fuse-mount: unknown driver 'zfs'");
  }

  @Test
  void missingLayer_exit1() throws Exception {
    Result r = main("--driver", "vfs", "--home", tmp.toString(), "--layer", "nope", "/m");
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err().trim()).isEqualTo("fuse-mount: vfs layer nope: no directory " + tmp.resolve("dir/nope"));
  }

  @Test
  @EnabledIf(value = "fuseAvailable", disabledReason = "needs root, /dev/fuse and fusermount")
  void foreground_missingBranch_exit1_oneLine() throws Exception {
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Result r = main("dirs=" + tmp.resolve("up") + ":" + tmp.resolve("low"), mnt.toString(), "-f");
    assertThat(r.rc()).isEqualTo(1);
    assertThat(r.err().lines()).containsExactly("fuse-mount: missing branch: " + tmp.resolve("up")
        + " is not a directory");
  }

  @Test
  @EnabledIf(value = "fuseAvailable", disabledReason = "needs root, /dev/fuse and fusermount")
  void daemon_returnsWhenLive_thenFusermountEndsIt() throws Exception {
    Path up = Files.createDirectory(tmp.resolve("up"));
    Path low = Files.createDirectory(tmp.resolve("low"));
    Files.writeString(low.resolve("f"), "lower");
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Process p = launcher("dirs=" + up + "=rw:" + low + "=ro", mnt.toString());
    mounted.add(mnt);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    // live the moment the command returned
    assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("lower");
    Files.writeString(mnt.resolve("f"), "changed");
    assertThat(Files.readString(up.resolve("f"))).isEqualTo("changed");
    assertThat(Files.readString(low.resolve("f"))).isEqualTo("lower");
    // the background process serving the mount: the same command plus -f
    List<ProcessHandle> daemons = ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains(FuseMountArgs.NOTIFY_READY + "")
            && h.info().commandLine().orElse("").contains(mnt.toString()))
        .toList();
    assertThat(daemons).hasSize(1);
    assertThat(run("fusermount", "-u", mnt.toString())).isZero();
    assertThat(daemons.get(0).onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
  }

  @Test
  @EnabledIf(value = "fuseAvailable", disabledReason = "needs root, /dev/fuse and fusermount")
  void daemon_mountPointNotEmpty_exit1_oneLine() throws Exception {
    Path up = Files.createDirectory(tmp.resolve("up"));
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Files.writeString(mnt.resolve("x"), "x");
    Process p = launcher("dirs=" + up, mnt.toString());
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(err.lines().filter(l -> !l.isBlank()))
        .containsExactly("fuse-mount: mount point " + mnt + " is not empty (add -o nonempty to mount over it)");
  }

  /** {@code java -cp <test class path> FuseMountMain ARGS}, as the jar runs it. */
  private static Process launcher(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dfile.encoding=UTF-8", "-cp", System.getProperty("java.class.path"), FuseMountMain.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }
}
