package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.unionfs.api.posix.StatFs;
import org.unionfs.api.union.Caller;
import org.unionfs.api.union.DirEntry;
import org.unionfs.api.union.DirFiller;
import org.unionfs.api.union.UnionFileSystem;
import org.unionfs.api.union.UnionStat;

/**
 * A union that tells when it has been closed. The FUSE mount closes its union on the loop's thread after
 * the loop returns, which may be after {@code FuseMount.close()} returned; put must not return (and a
 * remove or the next get of the same layer must not start) while the old union still holds the layer's
 * branch and cleans its {@code .wh..wh.orph/}.
 */
final class ClosingUnion implements UnionFileSystem {
  private final UnionFileSystem union;
  private final CountDownLatch closed = new CountDownLatch(1);

  ClosingUnion(UnionFileSystem union) {
    this.union = union;
  }

  /** Waits until {@link #close()} has run; false on timeout. */
  boolean awaitClosed(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    try {
      union.close();
    } finally {
      closed.countDown();
    }
  }

  @Override
  public UnionStat getattr(String path) throws IOException {
    return union.getattr(path);
  }

  @Override
  public UnionStat fgetattr(long handle) throws IOException {
    return union.fgetattr(handle);
  }

  @Override
  public void access(String path, int mode, Caller caller) throws IOException {
    union.access(path, mode, caller);
  }

  @Override
  public StatFs statfs(String path) throws IOException {
    return union.statfs(path);
  }

  @Override
  public long opendir(String path) throws IOException {
    return union.opendir(path);
  }

  @Override
  public void readdir(long dirHandle, long offset, DirFiller filler) throws IOException {
    union.readdir(dirHandle, offset, filler);
  }

  @Override
  public void releasedir(long dirHandle) throws IOException {
    union.releasedir(dirHandle);
  }

  @Override
  public List<DirEntry> list(String path) throws IOException {
    return union.list(path);
  }

  @Override
  public void mkdir(String path, int mode, Caller caller) throws IOException {
    union.mkdir(path, mode, caller);
  }

  @Override
  public void rmdir(String path) throws IOException {
    union.rmdir(path);
  }

  @Override
  public long open(String path, int flags) throws IOException {
    return union.open(path, flags);
  }

  @Override
  public long create(String path, int mode, int flags, Caller caller) throws IOException {
    return union.create(path, mode, flags, caller);
  }

  @Override
  public int read(long handle, ByteBuffer dst, long offset) throws IOException {
    return union.read(handle, dst, offset);
  }

  @Override
  public int write(long handle, ByteBuffer src, long offset) throws IOException {
    return union.write(handle, src, offset);
  }

  @Override
  public void flush(long handle) throws IOException {
    union.flush(handle);
  }

  @Override
  public void fsync(long handle, boolean dataOnly) throws IOException {
    union.fsync(handle, dataOnly);
  }

  @Override
  public void release(long handle) throws IOException {
    union.release(handle);
  }

  @Override
  public void truncate(String path, long size) throws IOException {
    union.truncate(path, size);
  }

  @Override
  public void ftruncate(long handle, long size) throws IOException {
    union.ftruncate(handle, size);
  }

  @Override
  public void mknod(String path, int mode, long rdev, Caller caller) throws IOException {
    union.mknod(path, mode, rdev, caller);
  }

  @Override
  public void unlink(String path) throws IOException {
    union.unlink(path);
  }

  @Override
  public void rename(String from, String to, int flags) throws IOException {
    union.rename(from, to, flags);
  }

  @Override
  public void symlink(String target, String linkPath, Caller caller) throws IOException {
    union.symlink(target, linkPath, caller);
  }

  @Override
  public String readlink(String path) throws IOException {
    return union.readlink(path);
  }

  @Override
  public void link(String existing, String newPath) throws IOException {
    union.link(existing, newPath);
  }

  @Override
  public void chmod(String path, int mode) throws IOException {
    union.chmod(path, mode);
  }

  @Override
  public void chown(String path, int uid, int gid) throws IOException {
    union.chown(path, uid, gid);
  }

  @Override
  public void utimens(String path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec)
      throws IOException {
    union.utimens(path, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
  }

  @Override
  public byte[] getxattr(String path, String name) throws IOException {
    return union.getxattr(path, name);
  }

  @Override
  public void setxattr(String path, String name, byte[] value, int flags) throws IOException {
    union.setxattr(path, name, value, flags);
  }

  @Override
  public List<String> listxattr(String path) throws IOException {
    return union.listxattr(path);
  }

  @Override
  public void removexattr(String path, String name) throws IOException {
    union.removexattr(path, name);
  }
}
