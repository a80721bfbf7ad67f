package org.unionfs.api.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes small regular files of an apply on worker threads, so that inode creation (the dominant cost of
 * a rootfs apply) runs on every core while the main thread parses the tar. The main thread decides
 * everything (journal, replace, whiteouts) before it hands a file over; it waits for a pending path
 * before it touches that path again ({@link #await}), and for all of them before it moves a directory,
 * lists one, links to a file or finishes ({@link #drain}). In-flight data is bounded.
 */
final class FileWriters implements AutoCloseable {
  /** Files larger than this are written by the main thread, streaming. */
  static final int MAX_ASYNC_FILE = 1 << 20;
  private static final int MAX_IN_FLIGHT = 32 << 20;
  private static final Set<OpenOption> NEW_FILE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  @SuppressWarnings("unchecked")
  private static final FileAttribute<Set<PosixFilePermission>>[] PERMS = new FileAttribute[01000];

  static {
    for (int m = 0; m < 01000; m++) {
      PERMS[m] = PosixFilePermissions.asFileAttribute(EntryMeta.permissions(m));
    }
  }

  private final ExecutorService pool;
  private final EntryMeta meta;
  private final Semaphore budget = new Semaphore(MAX_IN_FLIGHT);
  private final ConcurrentHashMap<String, CountDownLatch> pending = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Object idle = new Object();

  FileWriters(EntryMeta meta, int threads) {
    this.meta = meta;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "unionfs-apply-writer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens a new file for the main thread's own streaming write. */
  static FileChannel create(Path p, int mode) throws IOException {
    return FileChannel.open(p, NEW_FILE, PERMS[mode & 0777]);
  }

  /**
   * Creates {@code p} (which must not exist) with {@code data} and the entry's metadata, on a worker.
   * {@code e} is copied; the caller may reuse it.
   */
  void submit(String rel, Path p, TarEntry e, byte[] data) throws IOException {
    rethrow();
    TarEntry copy = copyOf(e);
    try {
      budget.acquire(Math.max(1, data.length));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("apply interrupted");
    }
    CountDownLatch done = new CountDownLatch(1);
    pending.put(rel, done);
    inFlight.incrementAndGet();
    pool.execute(() -> {
      try {
        if (failure.get() == null) {
          try (FileChannel ch = create(p, copy.mode)) {
            ByteBuffer bb = ByteBuffer.wrap(data);
            while (bb.hasRemaining()) {
              ch.write(bb);
            }
          }
          meta.apply(p, copy, copy.mode & 0777);
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, new IOException("layer tar: " + copy.describe() + ": " + t.getMessage(),
            t));
      } finally {
        budget.release(Math.max(1, data.length));
        pending.remove(rel, done);
        done.countDown();
        if (inFlight.decrementAndGet() == 0) {
          synchronized (idle) {
            idle.notifyAll();
          }
        }
      }
    });
  }

  /** Waits until {@code rel} is no longer being written. */
  void await(String rel) throws IOException {
    CountDownLatch l = pending.get(rel);
    if (l != null) {
      try {
        l.await();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("apply interrupted");
      }
    }
    rethrow();
  }

  /** Waits until every submitted file is written; rethrows the first failure. */
  void drain() throws IOException {
    quiesce();
    rethrow();
  }

  /** Waits for every worker, ignoring failures (before a roll-back). */
  void quiesce() throws InterruptedIOException {
    synchronized (idle) {
      while (inFlight.get() > 0) {
        try {
          idle.wait();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("apply interrupted");
        }
      }
    }
  }

  private void rethrow() throws IOException {
    Throwable t = failure.get();
    if (t instanceof IOException io) {
      throw io;
    }
    if (t != null) {
      throw new IOException(t);
    }
  }

  private static TarEntry copyOf(TarEntry e) {
    TarEntry c = new TarEntry();
    c.reset();
    c.name = e.name;
    c.linkName = e.linkName;
    c.type = e.type;
    c.mode = e.mode;
    c.uid = e.uid;
    c.gid = e.gid;
    c.size = e.size;
    c.mtimeSec = e.mtimeSec;
    c.mtimeNsec = e.mtimeNsec;
    c.index = e.index;
    c.offset = e.offset;
    c.xattrs.putAll(e.xattrs);
    return c;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
