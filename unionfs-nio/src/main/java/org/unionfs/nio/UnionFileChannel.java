package org.unionfs.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import org.unionfs.api.union.UnionFileSystem;

/**
 * A {@link FileChannel} on one open file of the union: every read and write goes to the engine's handle
 * at an explicit offset (the channel keeps its own position), so positional I/O, {@code truncate},
 * {@code size} and {@code force} map one to one onto the engine's {@code read}, {@code write},
 * {@code ftruncate}, {@code fgetattr} and {@code fsync}. Thread-safe; {@code close} releases the handle.
 * Memory mapping and file locks are not supported ({@link UnsupportedOperationException}).
 */
final class UnionFileChannel extends FileChannel {
  private static final int TRANSFER_CHUNK = 64 * 1024;

  private final UnionNioFileSystem fs;
  private final UnionPath path;
  private final UnionFileSystem union;
  /** The engine handle, or -1 for a special node that can only be closed. */
  private final long handle;
  private final boolean readable;
  private final boolean writable;
  private final boolean append;
  private final boolean sync;
  /** The engine path to unlink on close (DELETE_ON_CLOSE), or null. */
  private final String deleteOnClose;
  private long position; // guarded by this

  private UnionFileChannel(UnionNioFileSystem fs, UnionPath path, long handle, Options.Open o,
      String deleteOnClose) {
    this.fs = fs;
    this.path = path;
    this.union = fs.ops().union();
    this.handle = handle;
    this.readable = o != null && o.read();
    this.writable = o != null && o.write();
    this.append = o != null && o.append();
    this.sync = o != null && o.sync();
    this.deleteOnClose = deleteOnClose;
  }

  /** A channel on an open engine handle, registered with the file system (closed when it closes). */
  static UnionFileChannel open(UnionNioFileSystem fs, UnionPath path, long handle, Options.Open o,
      String deleteOnClose) {
    UnionFileChannel c = new UnionFileChannel(fs, path, handle, o, deleteOnClose);
    fs.register(c);
    return c;
  }

  /** What {@code Files.createFile} gets for a fifo or device node it made: a channel that only closes. */
  static UnionFileChannel node(UnionNioFileSystem fs, UnionPath path) {
    return new UnionFileChannel(fs, path, -1, null, null);
  }

  private void ensureOpen() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
  }

  private void ensureReadable() throws IOException {
    ensureOpen();
    if (!readable) {
      throw new NonReadableChannelException();
    }
  }

  private void ensureWritable() throws IOException {
    ensureOpen();
    if (!writable) {
      throw new NonWritableChannelException();
    }
  }

  private IOException named(IOException e) {
    return Errors.on(e, path, null);
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    int n = read(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, dsts.length);
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      if (!dsts[i].hasRemaining()) {
        continue;
      }
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public synchronized int write(ByteBuffer src) throws IOException {
    ensureWritable();
    long at = append ? size() : position;
    int n = write(src, at);
    position = at + n;
    return n;
  }

  @Override
  public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, srcs.length);
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      total += write(srcs[i]);
    }
    return total;
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public synchronized FileChannel position(long newPosition) throws IOException {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    ensureOpen();
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    if (handle < 0) {
      return 0;
    }
    try {
      return union.fgetattr(handle).size();
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public synchronized FileChannel truncate(long size) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    ensureWritable();
    try {
      if (size < size()) {
        union.ftruncate(handle, size);
      }
    } catch (IOException e) {
      throw named(e);
    }
    if (position > size) {
      position = size;
    }
    return this;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    ensureOpen();
    if (handle >= 0) {
      try {
        union.fsync(handle, !metaData);
      } catch (IOException e) {
        throw named(e);
      }
    }
  }

  @Override
  public long transferTo(long from, long count, WritableByteChannel target) throws IOException {
    ensureReadable();
    if (from < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(TRANSFER_CHUNK, Math.max(1, count)));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = read(buf, from + done);
      if (n <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        target.write(buf);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
    ensureWritable();
    if (at < 0 || count < 0) {
      throw new IllegalArgumentException("negative position or count");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(TRANSFER_CHUNK, Math.max(1, count)));
    long done = 0;
    while (done < count) {
      buf.clear().limit((int) Math.min(buf.capacity(), count - done));
      int n = src.read(buf);
      if (n <= 0) {
        break;
      }
      buf.flip();
      done += write(buf, at + done);
    }
    return done;
  }

  /** Positional read; -1 at the end of the file. */
  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position " + at);
    }
    ensureReadable();
    if (!dst.hasRemaining()) {
      return 0;
    }
    try {
      int n = union.read(handle, dst, at);
      return n == 0 ? -1 : n;
    } catch (IOException e) {
      throw named(e);
    }
  }

  /** Positional write (at the end of the file in APPEND mode, as pwrite with O_APPEND on Linux). */
  @Override
  public int write(ByteBuffer src, long at) throws IOException {
    if (at < 0) {
      throw new IllegalArgumentException("negative position " + at);
    }
    ensureWritable();
    try {
      int n = union.write(handle, src, at);
      if (sync) {
        union.fsync(handle, false);
      }
      return n;
    } catch (IOException e) {
      throw named(e);
    }
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long at, long size) {
    throw new UnsupportedOperationException("memory mapping is not supported on a union file system");
  }

  @Override
  public FileLock lock(long at, long size, boolean shared) {
    throw new UnsupportedOperationException("file locks are not supported on a union file system");
  }

  @Override
  public FileLock tryLock(long at, long size, boolean shared) {
    throw new UnsupportedOperationException("file locks are not supported on a union file system");
  }

  @Override
  protected void implCloseChannel() throws IOException {
    if (handle < 0) {
      return;
    }
    fs.unregister(this);
    if (!fs.isOpen()) {
      return; // the engine released every handle when the file system closed
    }
    try {
      union.release(handle);
      if (deleteOnClose != null) {
        union.unlink(deleteOnClose);
      }
    } catch (IOException e) {
      throw named(e);
    }
  }
}
