package org.unionfs.api.fs;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.posix.Posix;

/**
 * Copies the bytes of one regular file between two open descriptors: a reflink clone where the tree's
 * filesystem allows it, else the data extents only (SEEK_DATA/SEEK_HOLE), moved in the kernel with
 * {@code copy_file_range} and, where that is refused, with {@code pread}/{@code pwrite}. Holes stay
 * holes because the destination is only written where the source has data and then truncated to size.
 */
final class DataCopier {
  private static final int CHUNK = 1 << 20;
  private final FsNative nat = FsNative.get();
  /** Set once copy_file_range has been refused; from then on this copier uses pread/pwrite. */
  private boolean userSpaceCopy;
  private byte[] buffer;

  /**
   * Tries a whole-file clone ({@code FICLONE}).
   *
   * @return true if {@code dst} now shares every block of {@code src}; false if the filesystem cannot
   *     clone these two files (the caller then copies)
   */
  boolean tryClone(int src, int dst, Path dstPath) throws IOException {
    if (nat.libc.ioctl(dst, FsNative.FICLONE, src) == 0) {
      return true;
    }
    int e = nat.errno();
    if (e == Posix.EOPNOTSUPP || e == Posix.EXDEV || e == Posix.EINVAL || e == Posix.ENOSYS
        || e == FsNative.ENOTTY || e == Posix.EPERM) {
      return false;
    }
    throw nat.error(e, "ioctl FICLONE", dstPath);
  }

  /**
   * Copies the data extents of {@code src} ({@code size} bytes long) into the empty {@code dst} and sets
   * {@code dst}'s length, so that holes are kept.
   *
   * @return the number of bytes actually copied (data extents only)
   */
  long copySparse(int src, int dst, long size, Path srcPath, Path dstPath) throws IOException {
    long pos = 0;
    long copied = 0;
    while (pos < size) {
      long data = nat.libc.lseek(src, pos, FsNative.SEEK_DATA);
      long end;
      if (data < 0) {
        int e = nat.errno();
        if (e == FsNative.ENXIO) {
          break; // only a hole remains
        }
        if (e != Posix.EINVAL && e != Posix.EOPNOTSUPP) {
          throw nat.error(e, "lseek SEEK_DATA", srcPath);
        }
        data = pos; // no hole support: everything is data
        end = size;
      } else {
        if (data >= size) {
          break;
        }
        end = nat.libc.lseek(src, data, FsNative.SEEK_HOLE);
        if (end < 0 || end > size) {
          end = size;
        }
      }
      copied += copyRange(src, dst, data, end - data, srcPath, dstPath);
      pos = end;
    }
    nat.check(nat.libc.ftruncate(dst, size), "ftruncate", dstPath);
    return copied;
  }

  private long copyRange(int src, int dst, long offset, long length, Path srcPath, Path dstPath)
      throws IOException {
    long done = 0;
    long[] offIn = {offset};
    long[] offOut = {offset};
    while (done < length && !userSpaceCopy) {
      offIn[0] = offset + done;
      offOut[0] = offset + done;
      long n = nat.libc.copy_file_range(src, offIn, dst, offOut, length - done, 0);
      if (n < 0) {
        int e = nat.errno();
        if (e == Posix.EXDEV || e == Posix.ENOSYS || e == Posix.EINVAL || e == Posix.EOPNOTSUPP) {
          userSpaceCopy = true; // e.g. an old kernel across filesystems; keep going in user space
          break;
        }
        throw nat.error(e, "copy_file_range", dstPath);
      }
      if (n == 0) {
        return done; // the source shrank under us
      }
      done += n;
    }
    if (done < length) {
      done += copyUserSpace(src, dst, offset + done, length - done, srcPath, dstPath);
    }
    return done;
  }

  private long copyUserSpace(int src, int dst, long offset, long length, Path srcPath, Path dstPath)
      throws IOException {
    if (buffer == null) {
      buffer = new byte[CHUNK];
    }
    long done = 0;
    while (done < length) {
      long want = Math.min(CHUNK, length - done);
      long n = nat.libc.pread(src, buffer, want, offset + done);
      nat.check(n, "pread", srcPath);
      if (n == 0) {
        break;
      }
      long written = 0;
      while (written < n) {
        byte[] chunk = written == 0 ? buffer
            : java.util.Arrays.copyOfRange(buffer, (int) written, (int) n);
        long w = nat.libc.pwrite(dst, chunk, n - written, offset + done + written);
        nat.check(w, "pwrite", dstPath);
        written += w;
      }
      done += n;
    }
    return done;
  }
}
