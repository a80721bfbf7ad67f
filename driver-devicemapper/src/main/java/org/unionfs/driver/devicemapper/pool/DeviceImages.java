package org.unionfs.driver.devicemapper.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * Copies a thin device to and from an image file, the no-root way to put a filesystem on a device
 * ({@code mkfs.ext4 -d} into an image, then import) and to inspect one ({@code debugfs},
 * {@code e2fsck} on an export). Zero blocks stay unmapped in the pool and holes in the image.
 */
public final class DeviceImages {
  private DeviceImages() {}

  /**
   * Makes device {@code id}'s first {@code size(image)} bytes equal the image: non-zero blocks are
   * written (copy-on-write as any write), all-zero blocks are discarded. Does not commit.
   *
   * @return the number of blocks written
   */
  public static long importFrom(ThinPool pool, int id, Path image) throws IOException {
    int bs = pool.blockSize();
    long written = 0;
    try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ)) {
      long size = in.size();
      if (size % bs != 0) {
        throw new InvalidArgumentException("image " + image + ": size " + size + " is not a multiple of the pool's "
            + bs + "-byte blocks");
      }
      ByteBuffer buf = ByteBuffer.allocate(bs);
      for (long off = 0; off < size; off += bs) {
        buf.clear();
        DataIo.readFully(in, buf, off);
        buf.flip();
        if (isZero(buf.array())) {
          pool.discard(id, off, bs);
        } else {
          pool.write(id, off, buf);
          written++;
        }
      }
    }
    return written;
  }

  /** Writes the first {@code size} bytes of device {@code id} to a new sparse {@code image} (replaced atomically). */
  public static void exportTo(ThinPool pool, int id, long size, Path image) throws IOException {
    int bs = pool.blockSize();
    pool.deviceInfo(id); // fails for a missing device before anything is written
    Path tmp = image.resolveSibling(image.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.allocate(bs);
      for (long off = 0; off < size; off += bs) {
        int n = (int) Math.min(bs, size - off);
        boolean mapped;
        synchronized (pool) {
          mapped = pool.state().device(id).map.get(off / bs) != 0;
        }
        if (mapped) {
          buf.clear().limit(n);
          pool.read(id, off, buf);
          DataIo.writeFully(out, buf.flip(), off);
        }
      }
      out.truncate(size);
      if (out.size() < size) {
        out.write(ByteBuffer.allocate(1), size - 1); // a trailing hole still gives the file its size
      }
      out.force(true);
    }
    Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
