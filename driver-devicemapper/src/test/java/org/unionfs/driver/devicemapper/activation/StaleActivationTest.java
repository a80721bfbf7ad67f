package org.unionfs.driver.devicemapper.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.driver.devicemapper.activation.KernelTools.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * A process killed (SIGKILL) with an active, mounted device leaves a bound loop, a mounted ext4 and
 * a dead FUSE mount; the next {@link DeviceActivator#open} on the same directory clears all three, and
 * the file the dead process fsynced is in the pool.
 */
class StaleActivationTest {
  private static final long SIZE = 128L << 20;

  @TempDir Path tmp;
  private Process child;

  @AfterEach
  void tearDown() {
    if (child != null) {
      child.destroyForcibly();
    }
    KernelTools.umountQuietly(tmp.resolve("mnt"));
  }

  @Test
  void openClearsWhatAKilledProcessLeft() throws Exception {
    KernelTools.assumeKernelSupport();
    Path poolDir = tmp.resolve("devicemapper");
    Path fuseDir = tmp.resolve("fuse");
    Path mnt = tmp.resolve("mnt");
    try (ThinPool pool = ThinPool.create(poolDir, new PoolConfig(1L << 30, 8 << 20, 64 << 10));
        DeviceActivator act = DeviceActivator.open(pool, fuseDir)) {
      pool.createThin(1);
      KernelTools.mkfs(act.activate(1, SIZE));
      act.deactivate(1);
    }

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("child.out");
    child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ActivatorChild.class.getName(), poolDir.toString(), fuseDir.toString(), mnt.toString(),
        Long.toString(SIZE)).redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.readString(log).contains("READY") && child.isAlive() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    String ready = Files.readString(log);
    assertThat(ready).as("child activated and mounted").contains("READY /dev/loop");
    Path loop = Path.of(ready.substring(ready.indexOf("READY ") + 6).trim());
    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(LoopDevices.backingFile(loop)).as("the loop stays bound").contains(fuseDir.resolve("1"));
    assertThat(KernelMounts.typeAt(mnt)).as("ext4 stays mounted").contains("ext4");
    assertThat(KernelMounts.typeAt(fuseDir)).as("a dead FUSE mount stays").isPresent();
    try {
      Posix.get().statfs(fuseDir);
      throw new AssertionError("the dead FUSE mount answered statfs");
    } catch (PosixException e) {
      assertThat(e.errno()).as("ENOTCONN").isEqualTo(107);
    }

    try (ThinPool pool = ThinPool.open(poolDir); DeviceActivator act = DeviceActivator.open(pool, fuseDir)) {
      assertThat(LoopDevices.boundUnder(fuseDir)).isEmpty();
      assertThat(KernelMounts.typeAt(mnt)).isEmpty();
      assertThat(KernelMounts.typeAt(fuseDir)).isEmpty();
      assertThat(pool.verify()).isEmpty();

      Path again = act.activate(1, SIZE);
      KernelTools.mount(again, mnt); // replays the journal the dead process left
      assertThat(Files.readString(mnt.resolve("durable"))).isEqualTo("fsynced before the kill\n");
      KernelTools.umount(mnt);
      run("e2fsck", "-fn", again.toString());
      act.deactivate(1);
    }
  }
}
