package org.unionfs.api.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One reentrant lock per key, created on demand and dropped when nobody holds or waits for it (moby's
 * {@code locker.Locker}). Operations on different layers run in parallel; on one layer, in turn.
 */
public final class PerKeyLock {
  private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();

  private static final class Entry {
    final ReentrantLock lock = new ReentrantLock();
    int users; // guarded by the map's compute
  }

  /** A held lock; closing it releases it. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Blocks until the lock of {@code key} is held by this thread. */
  public Held lock(String key) {
    Entry entry = locks.compute(key, (k, e) -> {
      Entry r = e == null ? new Entry() : e;
      r.users++;
      return r;
    });
    entry.lock.lock();
    return () -> {
      entry.lock.unlock();
      locks.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
    };
  }

  /**
   * Locks several keys in a fixed order (sorted, duplicates and nulls dropped), so that two callers that
   * need the same pair cannot deadlock.
   */
  public Held lockAll(String... keys) {
    String[] sorted = java.util.Arrays.stream(keys)
        .filter(java.util.Objects::nonNull).distinct().sorted().toArray(String[]::new);
    Held[] held = new Held[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      held[i] = lock(sorted[i]);
    }
    return () -> {
      for (int i = held.length - 1; i >= 0; i--) {
        held[i].close();
      }
    };
  }
}
