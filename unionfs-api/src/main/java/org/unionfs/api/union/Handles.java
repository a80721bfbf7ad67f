package org.unionfs.api.union;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The table of open files and open directories; handles are never reused during the union's life. */
final class Handles {
  /** An open file: the real channel (upper or lower branch) and where the file is now. */
  static final class OpenFile {
    final FileChannel channel;
    final boolean writable;
    final boolean append;
    final long ino;
    final boolean upper;
    volatile Path real;
    volatile boolean unlinked;

    OpenFile(FileChannel channel, Path real, boolean writable, boolean append, long ino, boolean upper) {
      this.channel = channel;
      this.real = real;
      this.writable = writable;
      this.append = append;
      this.ino = ino;
      this.upper = upper;
    }
  }

  /** A directory listing taken at opendir, with "." and ".." in front. */
  record OpenDir(List<DirEntry> entries) {}

  private final AtomicLong ids = new AtomicLong(1);
  private final ConcurrentHashMap<Long, OpenFile> files = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, OpenDir> dirs = new ConcurrentHashMap<>();

  long add(OpenFile f) {
    long id = ids.getAndIncrement();
    files.put(id, f);
    return id;
  }

  long add(OpenDir d) {
    long id = ids.getAndIncrement();
    dirs.put(id, d);
    return id;
  }

  OpenFile file(long id) throws ClosedChannelException {
    OpenFile f = files.get(id);
    if (f == null) {
      throw new ClosedChannelException();
    }
    return f;
  }

  OpenDir dir(long id) throws ClosedChannelException {
    OpenDir d = dirs.get(id);
    if (d == null) {
      throw new ClosedChannelException();
    }
    return d;
  }

  OpenFile removeFile(long id) throws ClosedChannelException {
    OpenFile f = files.remove(id);
    if (f == null) {
      throw new ClosedChannelException();
    }
    return f;
  }

  void removeDir(long id) throws ClosedChannelException {
    if (dirs.remove(id) == null) {
      throw new ClosedChannelException();
    }
  }

  /** The open upper files at {@code real} or below it. */
  List<OpenFile> openAt(Path real) {
    List<OpenFile> out = new ArrayList<>();
    for (OpenFile f : files.values()) {
      if (f.upper && f.real.startsWith(real)) {
        out.add(f);
      }
    }
    return out;
  }

  /** Whether any handle still refers to {@code real} (an orphan may be deleted when none does). */
  boolean anyAt(Path real) {
    for (OpenFile f : files.values()) {
      if (f.real.equals(real)) {
        return true;
      }
    }
    return false;
  }

  /** A rename in the upper branch moved {@code from} to {@code to}: follow it. */
  void moved(Path from, Path to) {
    for (OpenFile f : openAt(from)) {
      f.real = to.resolve(from.relativize(f.real));
    }
  }

  /** Closes everything (the union is closing). */
  void closeAll() {
    for (OpenFile f : files.values()) {
      try {
        f.channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    files.clear();
    dirs.clear();
  }
}
