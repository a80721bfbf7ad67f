package org.unionfs.driver.devicemapper.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.driver.devicemapper.activation.KernelTools.mkfs;
import static org.unionfs.driver.devicemapper.activation.KernelTools.mount;
import static org.unionfs.driver.devicemapper.activation.KernelTools.run;
import static org.unionfs.driver.devicemapper.activation.KernelTools.umount;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.driver.devicemapper.pool.PoolConfig;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * Thin devices as real block devices: ext4 made, mounted, written, checked by e2fsck through FUSE and
 * loop (needs root, /dev/fuse and loop devices; skipped with the reason otherwise).
 */
class DeviceActivatorTest {
  private static final long MIB = 1 << 20;

  @TempDir Path tmp;
  private ThinPool pool;
  private DeviceActivator act;
  private final List<Path> mounts = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    KernelTools.assumeKernelSupport();
    pool = ThinPool.create(tmp.resolve("devicemapper"), new PoolConfig(2L << 30, 16 * MIB, 64 << 10));
    act = DeviceActivator.open(pool, tmp.resolve("fuse"));
  }

  @AfterEach
  void tearDown() throws Exception {
    mounts.forEach(KernelTools::umountQuietly);
    try {
      if (act != null) {
        act.close();
      }
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  private Path mnt(String name) {
    Path p = tmp.resolve("mnt-" + name);
    mounts.add(p);
    return p;
  }

  private static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void ext4SurvivesDeactivationAndReactivation() throws Exception {
    pool.createThin(1);
    Path loop = act.activate(1, 256 * MIB);
    assertThat(loop.toString()).startsWith("/dev/loop");
    assertThat(act.loopDevice(1)).contains(loop);
    assertThat(LoopDevices.directIo(loop)).as("loop does direct I/O on the FUSE file").isTrue();
    assertThat(LoopDevices.sizeBytes(loop)).isEqualTo(256 * MIB);
    assertThat(KernelMounts.typeAt(act.fuseDir())).hasValueSatisfying(t -> assertThat(t).startsWith("fuse"));
    mkfs(loop);
    Path m = mnt("a");
    mount(loop, m);
    byte[] big = random(1, 20 << 20);
    Files.write(m.resolve("big.bin"), big);
    Files.createDirectories(m.resolve("dir/sub"));
    for (int i = 0; i < 200; i++) {
      Files.writeString(m.resolve("dir/sub/f" + i), "file " + i + "\n");
    }
    umount(m);
    act.deactivate(1);
    assertThat(act.loopDevice(1)).isEmpty();
    assertThat(LoopDevices.backingFile(loop)).as("the kernel released the loop").isEmpty();
    assertThat(Files.exists(act.deviceFile(1))).isFalse();
    assertThat(pool.verify()).isEmpty();

    Path again = act.activate(1, 256 * MIB);
    run("e2fsck", "-fn", again.toString()); // exit code 0: clean
    mount(again, m);
    assertThat(Files.readAllBytes(m.resolve("big.bin"))).isEqualTo(big);
    assertThat(Files.readString(m.resolve("dir/sub/f199"))).isEqualTo("file 199\n");
    umount(m);
    act.deactivate(1);
    assertThat(pool.deviceInfo(1).mappedBlocks()).isPositive();
  }

  @Test
  void snapshotOfADeactivatedDeviceShowsTheOriginsFilesystem() throws Exception {
    pool.createThin(1);
    Path loop = act.activate(1, 128 * MIB);
    mkfs(loop);
    Path m = mnt("origin");
    mount(loop, m);
    Files.writeString(m.resolve("hello"), "from the origin\n");
    umount(m);
    act.deactivate(1);

    pool.createSnap(2, 1);
    Path snap = act.activate(2, 128 * MIB);
    Path s = mnt("snap");
    mount(snap, s);
    assertThat(Files.readString(s.resolve("hello"))).isEqualTo("from the origin\n");
    Files.writeString(s.resolve("hello"), "changed in the snapshot\n");
    Files.writeString(s.resolve("only-in-snapshot"), "x");
    umount(s);
    act.deactivate(2);

    Path origin = act.activate(1, 128 * MIB);
    mount(origin, m);
    assertThat(Files.readString(m.resolve("hello"))).isEqualTo("from the origin\n");
    assertThat(Files.exists(m.resolve("only-in-snapshot"))).isFalse();
    umount(m);
    act.deactivate(1);
    Path again = act.activate(2, 128 * MIB);
    assertThat(run("e2fsck", "-fn", again.toString())).doesNotContain("Fix?");
    mount(again, s);
    assertThat(Files.readString(s.resolve("hello"))).isEqualTo("changed in the snapshot\n");
    umount(s);
    act.deactivate(2);
    assertThat(pool.verify()).isEmpty();
  }

  @Test
  void twoDevicesActiveAtOnce() throws Exception {
    pool.createThin(1);
    pool.createThin(2);
    Path l1 = act.activate(1, 96 * MIB);
    Path l2 = act.activate(2, 64 * MIB);
    assertThat(l1).isNotEqualTo(l2);
    assertThat(act.activeDevices()).containsExactly(1, 2);
    assertThat(Files.size(act.deviceFile(2))).isEqualTo(64 * MIB);
    mkfs(l1);
    mkfs(l2);
    Path m1 = mnt("one");
    Path m2 = mnt("two");
    mount(l1, m1);
    mount(l2, m2);
    byte[] a = random(11, 5 << 20);
    byte[] b = random(12, 7 << 20);
    Files.write(m1.resolve("a"), a);
    Files.write(m2.resolve("b"), b);
    run("sync");
    assertThat(Files.readAllBytes(m1.resolve("a"))).isEqualTo(a);
    assertThat(Files.exists(m1.resolve("b"))).isFalse();
    umount(m1);
    umount(m2);
    act.deactivate(2);
    assertThat(act.activeDevices()).containsExactly(1);
    assertThat(run("e2fsck", "-fn", l1.toString())).doesNotContain("Fix?");
    act.deactivate(1);
    Path l2again = act.activate(2, 64 * MIB);
    mount(l2again, m2);
    assertThat(Files.readAllBytes(m2.resolve("b"))).isEqualTo(b);
    umount(m2);
  }

  @Test
  void resizeGrowsAnActiveDeviceAndItsFilesystem() throws Exception {
    pool.createThin(1);
    Path loop = act.activate(1, 64 * MIB);
    mkfs(loop);
    Path m = mnt("grow");
    mount(loop, m);
    Files.writeString(m.resolve("keep"), "kept\n");
    act.resize(1, 192 * MIB); // while ext4 is mounted on the loop
    assertThat(LoopDevices.sizeBytes(loop)).isEqualTo(192 * MIB);
    assertThat(Files.size(act.deviceFile(1))).isEqualTo(192 * MIB);
    // Online growth (EXT4_IOC_RESIZE_FS) needs CAP_SYS_RESOURCE, which this machine's root lacks:
    // grow the filesystem unmounted, as a driver has to here.
    umount(m);
    run("e2fsck", "-f", "-p", loop.toString());
    run("resize2fs", loop.toString());
    mount(loop, m);
    long total = Files.getFileStore(m).getTotalSpace();
    assertThat(total).isGreaterThan(150 * MIB);
    Files.write(m.resolve("big"), random(3, 100 << 20)); // did not fit before the resize
    assertThatThrownBy(() -> act.resize(1, 32 * MIB)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("shrink");
    umount(m);
    act.deactivate(1);
    act.resize(1, 256 * MIB); // inactive: checked only; the next activation gives the size
    assertThatThrownBy(() -> act.resize(9, 256 * MIB)).isInstanceOf(LayerNotFoundException.class)
        .hasMessageContaining("9");
    Path again = act.activate(1, 192 * MIB);
    assertThat(run("e2fsck", "-fn", again.toString())).doesNotContain("Fix?");
    mount(again, m);
    assertThat(Files.readString(m.resolve("keep"))).isEqualTo("kept\n");
    umount(m);
  }

  @Test
  void badRequestsAreRefusedWithTypedErrors() throws Exception {
    pool.createThin(1);
    assertThatThrownBy(() -> act.activate(7, 64 * MIB)).isInstanceOf(LayerNotFoundException.class)
        .hasMessageContaining("thin device 7");
    assertThatThrownBy(() -> act.activate(1, 1000)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("thin device 1");
    assertThatThrownBy(() -> act.activate(1, 0)).isInstanceOf(InvalidArgumentException.class);
    Path loop = act.activate(1, 64 * MIB);
    assertThatThrownBy(() -> act.activate(1, 64 * MIB)).isInstanceOf(LayerInUseException.class)
        .hasMessageContaining("thin device 1").hasMessageContaining(loop.toString());
    assertThatThrownBy(() -> DeviceActivator.open(pool, act.fuseDir())).isInstanceOf(LayerInUseException.class);

    mkfs(loop);
    Path m = mnt("busy");
    mount(loop, m);
    assertThatThrownBy(() -> act.deactivate(1)).isInstanceOf(LayerInUseException.class)
        .hasMessageContaining("thin device 1").hasMessageContaining("mounted");
    assertThat(act.loopDevice(1)).contains(loop);
    assertThatThrownBy(() -> act.close()).isInstanceOf(LayerInUseException.class);
    assertThat(KernelMounts.typeAt(act.fuseDir())).as("FUSE stays while a loop is bound").isPresent();
    Files.writeString(m.resolve("still-works"), "yes");
    umount(m);
    act.deactivate(2); // not active: nothing to do
    act.close();
    act.close(); // idempotent
    assertThat(KernelMounts.typeAt(act.fuseDir())).isEmpty();
    assertThat(LoopDevices.backingFile(loop)).isEmpty();
    assertThatThrownBy(() -> act.activate(1, 64 * MIB)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theDeviceFileReadsZerosWhereUnmappedAndEndsAtItsSize() throws Exception {
    pool.createThin(1);
    pool.write(1, 3 * MIB, ByteBuffer.wrap("mapped".getBytes()));
    act.activate(1, 8 * MIB);
    Path f = act.deviceFile(1);
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ,
        java.nio.file.StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1 << 16);
      ch.read(b, 5 * MIB);
      assertThat(b.array()).containsOnly(0);
      ByteBuffer m = ByteBuffer.allocate(6);
      ch.read(m, 3 * MIB);
      assertThat(new String(m.array())).isEqualTo("mapped");
      assertThat(ch.read(ByteBuffer.allocate(10), 8 * MIB)).isEqualTo(-1);
      assertThatThrownBy(() -> ch.write(ByteBuffer.wrap(new byte[10]), 8 * MIB))
          .hasMessageContaining("too large");
    }
    act.deactivate(1);
  }
}
