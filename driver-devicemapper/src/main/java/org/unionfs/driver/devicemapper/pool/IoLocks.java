package org.unionfs.driver.devicemapper.pool;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The locks that let reads and writes of different blocks run at once, as dm-thin's bio prison does.
 *
 * <ul>
 *   <li>The <b>gate</b>: every read and write holds it shared for its whole length (mapping and data
 *       I/O); commit, snapshot, delete, discard and close hold it exclusively. So a commit never maps
 *       a block whose data is still being written, and a snapshot never shares a block mid-write.
 *   <li>The <b>stripes</b>: one read-write lock per (device, virtual block) modulo {@value #STRIPES},
 *       consecutive blocks on consecutive stripes; a write holds its blocks' stripes exclusively, a
 *       read shared. So two writes into one block (ext4's 4 KiB writes into a 64 KiB block) do not
 *       copy-on-write it twice, and a read never sees a block freed and reused under it.
 *   <li>The pool's monitor (held briefly inside both, never the other way round) guards the metadata.
 * </ul>
 *
 * Lock order: gate, then stripes in ascending index, then the monitor. No allocation per request.
 */
final class IoLocks {
  static final int STRIPES = 256;
  private static final int MASK = STRIPES - 1;

  final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];

  IoLocks() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantReadWriteLock();
    }
  }

  private static int start(int id, long firstBlock) {
    return (int) (((id * 0x9E3779B9L) >>> 8) + firstBlock) & MASK;
  }

  /** Takes the gate shared and the stripes of blocks {@code [first, first + count)} of device {@code id}. */
  void lock(int id, long first, long count, boolean write) {
    gate.readLock().lock();
    if (count <= 0) {
      return;
    }
    int s = start(id, first);
    int n = (int) Math.min(count, STRIPES);
    if (s + n <= STRIPES) {
      take(s, s + n, write);
    } else { // wraps: the low indices first, to keep the ascending order
      take(0, s + n - STRIPES, write);
      take(s, STRIPES, write);
    }
  }

  /** Releases what {@link #lock} took with the same arguments. */
  void unlock(int id, long first, long count, boolean write) {
    if (count > 0) {
      int s = start(id, first);
      int n = (int) Math.min(count, STRIPES);
      if (s + n <= STRIPES) {
        release(s, s + n, write);
      } else {
        release(0, s + n - STRIPES, write);
        release(s, STRIPES, write);
      }
    }
    gate.readLock().unlock();
  }

  private void take(int from, int to, boolean write) {
    for (int i = from; i < to; i++) {
      if (write) {
        stripes[i].writeLock().lock();
      } else {
        stripes[i].readLock().lock();
      }
    }
  }

  private void release(int from, int to, boolean write) {
    for (int i = to - 1; i >= from; i--) {
      if (write) {
        stripes[i].writeLock().unlock();
      } else {
        stripes[i].readLock().unlock();
      }
    }
  }

  /** Takes the gate exclusively: waits for every read and write in flight. */
  void exclusive() {
    gate.writeLock().lock();
  }

  void releaseExclusive() {
    gate.writeLock().unlock();
  }
}
