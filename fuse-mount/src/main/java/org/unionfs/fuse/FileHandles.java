package org.unionfs.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open files and directories of a mount: the number the kernel keeps in {@code fh} maps to the
 * union's handle. Lock-free; many FUSE threads read it at once.
 */
final class FileHandles {
  /** What one {@code fh} stands for. */
  record OpenFile(long unionHandle, boolean directory, String path, int flags) {}

  private final ConcurrentHashMap<Long, OpenFile> open = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong(1);

  /** Registers an open and returns its {@code fh} (never 0, so a zeroed fh is always unknown). */
  long add(OpenFile file) {
    long fh = next.getAndIncrement();
    open.put(fh, file);
    return fh;
  }

  /** The open behind {@code fh}; EBADF if unknown or released. */
  OpenFile get(long fh) throws FuseErrnoException {
    OpenFile f = open.get(fh);
    if (f == null) {
      throw new FuseErrnoException(Errno.EBADF, "fh " + fh, "unknown or released file handle");
    }
    return f;
  }

  /** Forgets {@code fh}; EBADF if unknown. */
  OpenFile remove(long fh) throws FuseErrnoException {
    OpenFile f = open.remove(fh);
    if (f == null) {
      throw new FuseErrnoException(Errno.EBADF, "fh " + fh, "unknown or released file handle");
    }
    return f;
  }

  /** Forgets every handle and returns what was open (for release at unmount). */
  List<OpenFile> drain() {
    List<OpenFile> all = new ArrayList<>();
    for (Long fh : open.keySet()) {
      OpenFile f = open.remove(fh);
      if (f != null) {
        all.add(f);
      }
    }
    return all;
  }

  int size() {
    return open.size();
  }
}
