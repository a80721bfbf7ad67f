package org.unionfs.api.union;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * Opening files and moving their data. A handle owns the real {@link FileChannel}: of the lower file for
 * reading (no copy), of the upper one once the file was opened for writing (copied up first).
 */
final class FileIo {
  private static final int O_ACCMODE = UnionFileSystem.O_ACCMODE;
  private static final int O_RDONLY = UnionFileSystem.O_RDONLY;
  private static final int O_WRONLY = UnionFileSystem.O_WRONLY;
  private static final int O_RDWR = UnionFileSystem.O_RDWR;
  private static final int O_TRUNC = UnionFileSystem.O_TRUNC;
  private static final int O_APPEND = UnionFileSystem.O_APPEND;
  private static final Object[] APPEND_LOCKS = new Object[64];

  static {
    for (int i = 0; i < APPEND_LOCKS.length; i++) {
      APPEND_LOCKS[i] = new Object();
    }
  }

  private final Lookup lookup;
  private final boolean writable;
  private final Changes changes;
  private final Handles handles;
  private final UnionNative nat = UnionNative.get();

  FileIo(Lookup lookup, boolean writable, Changes changes, Handles handles) {
    this.lookup = lookup;
    this.writable = writable;
    this.changes = changes;
    this.handles = handles;
  }

  private Path real(Node n) {
    return lookup.real(n.branch(), n.path());
  }

  long open(Node n, int flags) throws IOException {
    String path = n.path();
    int acc = flags & O_ACCMODE;
    if (acc == O_ACCMODE) {
      throw new PosixException(path, null, "open", Posix.EINVAL, "bad access mode");
    }
    boolean write = acc != O_RDONLY;
    boolean trunc = (flags & O_TRUNC) != 0;
    if (n.isDirectory()) {
      if (write || trunc) {
        throw new IsDirectoryException(path);
      }
      return handles.add(new Handles.OpenFile(FileChannel.open(real(n), StandardOpenOption.READ), real(n),
          false, false, n.ino(), n.branch() == 0 && writable));
    }
    if (n.stat().isSymbolicLink()) {
      throw new PosixException(path, null, "open", 40, "is a symbolic link (O_NOFOLLOW)");
    }
    if (!n.stat().isRegularFile()) {
      throw new PosixException(path, null, "open", Posix.EINVAL, "not a regular file");
    }
    if (!write && !trunc) {
      Path real = real(n);
      FileChannel ch = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      return handles.add(new Handles.OpenFile(ch, real, false, false, n.ino(), n.branch() == 0 && writable));
    }
    Path real = changes.upperOf(path, !trunc);
    Set<OpenOption> opts = acc == O_WRONLY ? Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
        : acc == O_RDWR ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
        : Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    FileChannel ch = FileChannel.open(real, opts);
    try {
      if (trunc) {
        nat.truncate(real, 0); // always, so that mtime and ctime change as open(2) does
      }
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return handles.add(new Handles.OpenFile(ch, real, write, (flags & O_APPEND) != 0, n.ino(), true));
  }

  int read(long handle, ByteBuffer dst, long offset) throws IOException {
    Handles.OpenFile f = handles.file(handle);
    if (offset < 0) {
      throw new PosixException(null, null, "read", Posix.EINVAL, "negative offset");
    }
    int total = 0;
    while (dst.hasRemaining()) {
      int n = f.channel.read(dst, offset + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  int write(long handle, ByteBuffer src, long offset) throws IOException {
    Handles.OpenFile f = handles.file(handle);
    if (!f.writable) {
      throw new PosixException(null, null, "write", Posix.EBADF, "handle not open for writing");
    }
    if (f.append) {
      // one lock per file (not per handle), so that appends through several handles never overlap
      synchronized (APPEND_LOCKS[(int) Math.floorMod(f.ino, (long) APPEND_LOCKS.length)]) {
        return writeAt(f, src, f.channel.size());
      }
    }
    if (offset < 0) {
      throw new PosixException(null, null, "write", Posix.EINVAL, "negative offset");
    }
    return writeAt(f, src, offset);
  }

  private static int writeAt(Handles.OpenFile f, ByteBuffer src, long offset) throws IOException {
    int total = 0;
    while (src.hasRemaining()) {
      total += f.channel.write(src, offset + total);
    }
    return total;
  }

  void release(long handle) throws IOException {
    Handles.OpenFile f = handles.removeFile(handle);
    f.channel.close();
    if (f.unlinked) {
      changes.dropOrphan(f.real);
    }
  }
}
