package org.unionfs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/** The mount process and signals: SIGTERM unmounts cleanly; after SIGKILL, fusermount -u clears the mount. */
@EnabledIf(value = "org.unionfs.fuse.FuseTestSupport#fuseAvailable",
    disabledReason = "needs root, /dev/fuse, libfuse2 and fusermount")
class MountSignalsTest {
  @TempDir
  Path tmp;
  private Process child;
  private Path mnt;

  @AfterEach
  void cleanUp() throws IOException {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
    if (mnt != null && FuseTestSupport.isMounted(mnt)) {
      FuseTestSupport.run("fusermount", "-u", "-z", mnt.toString());
    }
  }

  private void startMountProcess() throws Exception {
    Path upper = Files.createDirectories(tmp.resolve("upper"));
    Path lower = Files.createDirectories(tmp.resolve("lower"));
    Files.writeString(lower.resolve("a"), "lower");
    mnt = Files.createDirectories(tmp.resolve("mnt"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    child = new ProcessBuilder(List.of(java, "-Dfile.encoding=UTF-8", "-cp",
        System.getProperty("java.class.path"), MountProcess.class.getName(),
        upper.toString(), lower.toString(), mnt.toString()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()));
    assertThat(r.readLine()).isEqualTo(MountProcess.READY);
    assertThat(Files.readString(mnt.resolve("a"))).isEqualTo("lower");
  }

  @Test
  void sigterm_unmountsAndExits() throws Exception {
    startMountProcess();
    child.destroy(); // SIGTERM
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    assertThat(FuseTestSupport.isMounted(mnt)).isFalse();
    assertThat(mnt.resolve("a")).doesNotExist();
  }

  @Test
  void sigint_unmountsAndExits() throws Exception {
    startMountProcess();
    assertThat(FuseTestSupport.run("kill", "-INT", Long.toString(child.pid()))).isZero();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
    assertThat(FuseTestSupport.isMounted(mnt)).isFalse();
  }

  @Test
  void sigkill_leavesDeadMount_thatFusermountClears() throws Exception {
    startMountProcess();
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(FuseTestSupport.isMounted(mnt)).isTrue();
    assertThatThrownBy(() -> Posix.get().statfs(mnt)).isInstanceOfSatisfying(PosixException.class,
        e -> assertThat(e.errno()).as("ENOTCONN").isEqualTo(107));
    // a new mount there says what to do
    assertThatThrownBy(() -> UnionMount.mount(
        org.unionfs.api.union.UnionConfig.of(tmp.resolve("upper"), List.of(tmp.resolve("lower"))), mnt,
        MountOptions.parse(List.of(), true)))
        .isInstanceOf(FuseMountException.class)
        .hasMessage("mount point " + mnt + " is busy: a dead FUSE mount is still there (clear it with: fusermount -u "
            + mnt + ")");
    assertThat(FuseTestSupport.run("fusermount", "-u", mnt.toString())).isZero();
    assertThat(FuseTestSupport.isMounted(mnt)).isFalse();
    assertThat(new File(mnt.toString()).list()).isEmpty();
  }
}
