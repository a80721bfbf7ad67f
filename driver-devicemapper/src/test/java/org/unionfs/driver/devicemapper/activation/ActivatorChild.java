package org.unionfs.driver.devicemapper.activation;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.unionfs.driver.devicemapper.pool.ThinPool;

/**
 * The process {@link StaleActivationTest} kills: opens the pool, activates device 1, mounts its ext4,
 * writes a file and fsyncs it, prints READY and the loop device, then waits to be killed.
 * Arguments: pool dir, fuse dir, mount point, device size.
 */
public final class ActivatorChild {
  private ActivatorChild() {}

  public static void main(String[] args) throws Exception {
    ThinPool pool = ThinPool.open(Path.of(args[0]));
    DeviceActivator act = DeviceActivator.open(pool, Path.of(args[1]));
    Path loop = act.activate(1, Long.parseLong(args[3]));
    Path mnt = Path.of(args[2]);
    KernelTools.mount(loop, mnt);
    try (FileChannel ch = FileChannel.open(mnt.resolve("durable"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("fsynced before the kill\n".getBytes(StandardCharsets.UTF_8)));
      ch.force(true); // ext4 fsync -> loop flush -> FUSE fsync -> pool commit
    }
    System.out.println("READY " + loop);
    System.out.flush();
    Thread.sleep(600_000);
  }
}
