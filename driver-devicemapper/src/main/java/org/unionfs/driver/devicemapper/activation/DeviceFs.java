package org.unionfs.driver.devicemapper.activation;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.StatFs;
import org.unionfs.driver.devicemapper.pool.PoolStatus;
import org.unionfs.driver.devicemapper.pool.ThinPool;
import org.unionfs.fuse.Errno;
import org.unionfs.fuse.Errnos;
import org.unionfs.fuse.binding.DirFiller;
import org.unionfs.fuse.binding.FileInfo;
import org.unionfs.fuse.binding.FuseFileSystem;
import org.unionfs.fuse.binding.StatFsSink;
import org.unionfs.fuse.binding.StatSink;

/**
 * The FUSE filesystem of one pool: a flat directory with one regular file {@code <deviceId>} per
 * active thin device, whose bytes are the device's bytes.
 *
 * <p>Runs on libfuse's threads, never on the thread that runs {@code losetup} (which waits for the
 * kernel, which waits for these answers). It takes no lock of the activator; the table of devices is a
 * concurrent map the activator fills before {@code losetup} and empties after the loop is released.
 * Reads and writes of the same file run concurrently (the pool orders what must be ordered).
 *
 * <p>Durability: {@code flush} (every close) and {@code fsync} (the loop driver's REQ_OP_FLUSH, so an
 * {@code fsync} inside ext4 ends here) commit the pool's metadata, so the pool's committed state has
 * every write the kernel has seen acknowledged before that barrier.
 */
final class DeviceFs implements FuseFileSystem {
  private static final int DIR_MODE = FileStat.S_IFDIR | 0755;
  private static final int FILE_MODE = FileStat.S_IFREG | 0600;
  private static final int FALLOC_FL_KEEP_SIZE = 0x01;
  private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
  private static final int FALLOC_FL_ZERO_RANGE = 0x10;

  /** One active device as the filesystem shows it. */
  static final class Device {
    final int id;
    volatile long size;

    Device(int id, long size) {
      this.id = id;
      this.size = size;
    }
  }

  private final ThinPool pool;
  private final Map<Integer, Device> devices = new ConcurrentHashMap<>();
  private final boolean directIo;
  private final long startSec = System.currentTimeMillis() / 1000;

  DeviceFs(ThinPool pool, boolean directIo) {
    this.pool = pool;
    this.directIo = directIo;
  }

  Map<Integer, Device> devices() {
    return devices;
  }

  /** The device a path names ("/12"), or null. */
  private Device byPath(String path) {
    if (path == null || path.length() < 2 || path.charAt(0) != '/') {
      return null;
    }
    int id = 0;
    for (int i = 1; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < '0' || c > '9' || i > 9 || (i == 1 && c == '0' && path.length() > 2)) {
        return null;
      }
      id = id * 10 + (c - '0');
    }
    return devices.get(id);
  }

  private Device byHandle(String path, FileInfo fi) {
    return fi != null ? devices.get((int) fi.fh()) : byPath(path);
  }

  @Override
  public int getattr(String path, StatSink out, FileInfo fi) {
    if ("/".equals(path) && fi == null) {
      out.set(new FileStat(0, 1, DIR_MODE, 2, 0, 0, 0, 0, 0, startSec, 0, startSec, 0, startSec, 0));
      return 0;
    }
    Device d = byHandle(path, fi);
    if (d == null) {
      return Errno.ENOENT.negative();
    }
    long size = d.size;
    out.set(new FileStat(0, 2L + d.id, FILE_MODE, 1, 0, 0, 0, size, (size + 511) / 512,
        startSec, 0, startSec, 0, startSec, 0));
    return 0;
  }

  @Override
  public int opendir(String path, FileInfo fi) {
    return "/".equals(path) ? 0 : Errno.ENOTDIR.negative();
  }

  @Override
  public int readdir(String path, DirFiller filler, long offset, FileInfo fi) {
    if (offset == 0) {
      // the list is small (one entry per active device): hand it over in one call, without offsets
      if (!filler.add(".", 1, DIR_MODE, 0) || !filler.add("..", 0, DIR_MODE, 0)) {
        return 0;
      }
      for (Device d : devices.values()) {
        if (!filler.add(Integer.toString(d.id), 2L + d.id, FILE_MODE, 0)) {
          break;
        }
      }
    }
    return 0;
  }

  @Override
  public int releasedir(String path, FileInfo fi) {
    return 0;
  }

  @Override
  public int access(String path, int mask) {
    return "/".equals(path) || byPath(path) != null ? 0 : Errno.ENOENT.negative();
  }

  @Override
  public int open(String path, FileInfo fi) {
    Device d = byPath(path);
    if (d == null) {
      return Errno.ENOENT.negative();
    }
    fi.fh(d.id);
    fi.directIo(directIo);
    return 0;
  }

  @Override
  public int create(String path, int mode, FileInfo fi) {
    return Errno.EPERM.negative(); // files appear only through activate()
  }

  @Override
  public int read(String path, ByteBuffer dst, long offset, FileInfo fi) {
    Device d = byHandle(path, fi);
    if (d == null) {
      return Errno.EBADF.negative();
    }
    long size = d.size;
    if (offset >= size || offset < 0) {
      return 0;
    }
    int n = (int) Math.min(dst.remaining(), size - offset);
    try {
      pool.read(d.id, offset, dst.limit(dst.position() + n));
      return n;
    } catch (Throwable t) {
      return Errnos.answer("read", "/" + d.id, t);
    }
  }

  @Override
  public int write(String path, ByteBuffer src, long offset, FileInfo fi) {
    Device d = byHandle(path, fi);
    if (d == null) {
      return Errno.EBADF.negative();
    }
    long size = d.size;
    if (offset >= size || offset < 0) {
      return src.hasRemaining() ? Errno.EFBIG.negative() : 0; // the device ends at its size
    }
    int n = (int) Math.min(src.remaining(), size - offset);
    try {
      pool.write(d.id, offset, src.limit(src.position() + n));
      return n;
    } catch (Throwable t) {
      return Errnos.answer("write", "/" + d.id, t); // ENOSPC of the pool reaches the kernel as ENOSPC
    }
  }

  @Override
  public int truncate(String path, long size, FileInfo fi) {
    Device d = byHandle(path, fi);
    if (d == null) {
      return Errno.ENOENT.negative();
    }
    return size == d.size ? 0 : Errno.EPERM.negative(); // the size changes only through resize()
  }

  @Override
  public int fallocate(String path, int mode, long offset, long length, FileInfo fi) {
    Device d = byHandle(path, fi);
    if (d == null) {
      return Errno.EBADF.negative();
    }
    if (offset < 0 || length <= 0 || offset + length > d.size) {
      return Errno.EINVAL.negative();
    }
    try {
      if (mode == 0 || mode == FALLOC_FL_KEEP_SIZE) {
        return 0; // thin provisioning reserves nothing ahead (neither does dm-thin)
      }
      if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) || (mode & ~FALLOC_FL_KEEP_SIZE) == FALLOC_FL_ZERO_RANGE) {
        // the loop driver's discard and write-zeroes: whole blocks are unmapped, the edges zeroed
        zeroRange(d.id, offset, length);
        return 0;
      }
      return Errno.ENOTSUP.negative();
    } catch (Throwable t) {
      return Errnos.answer("fallocate", "/" + d.id, t);
    }
  }

  private void zeroRange(int id, long offset, long length) throws java.io.IOException {
    int bs = pool.blockSize();
    long firstWhole = (offset + bs - 1) / bs * bs;
    long endWhole = (offset + length) / bs * bs;
    if (firstWhole >= endWhole) {
      writeZeros(id, offset, length);
      return;
    }
    writeZeros(id, offset, firstWhole - offset);
    pool.discard(id, firstWhole, endWhole - firstWhole);
    writeZeros(id, endWhole, offset + length - endWhole);
  }

  private void writeZeros(int id, long offset, long length) throws java.io.IOException {
    long done = 0;
    while (done < length) {
      int n = (int) Math.min(length - done, 1 << 20);
      pool.write(id, offset + done, ByteBuffer.allocate(n));
      done += n;
    }
  }

  @Override
  public int flush(String path, FileInfo fi) {
    return commit("flush");
  }

  @Override
  public int fsync(String path, boolean dataOnly, FileInfo fi) {
    return commit("fsync");
  }

  private int commit(String op) {
    try {
      pool.commit();
      return 0;
    } catch (Throwable t) {
      return Errnos.answer(op, pool.directory().toString(), t);
    }
  }

  @Override
  public int release(String path, FileInfo fi) {
    return 0;
  }

  @Override
  public int statfs(String path, StatFsSink out) {
    PoolStatus s = pool.status();
    long free = s.totalDataBlocks() - s.usedDataBlocks();
    out.set(new StatFs(0, s.blockSize(), s.totalDataBlocks(), free, free, devices.size() + 1L, 0), 255);
    return 0;
  }
}
