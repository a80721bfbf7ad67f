package org.unionfs.api.union;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The union's inode numbers: one per backing object ({@code st_dev}, {@code st_ino}), handed out on first
 * sight and kept for the life of the union. Hard links of one branch share the backing object and so the
 * number; a copied-up object is registered under the number of its lower original.
 */
final class Inodes {
  private record Key(long dev, long ino) {}

  private final ConcurrentHashMap<Key, Long> numbers = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong(1);

  /** The union number of a backing object, allocated if new. */
  long of(long dev, long ino) {
    Long n = numbers.get(new Key(dev, ino));
    if (n != null) {
      return n;
    }
    return numbers.computeIfAbsent(new Key(dev, ino), k -> next.getAndIncrement());
  }

  /** Makes {@code (dev, ino)} answer {@code number} (a copy-up keeps the number of the original). */
  void alias(long dev, long ino, long number) {
    numbers.put(new Key(dev, ino), number);
  }

  /** Gives {@code (dev, ino)} a new number (its old one now belongs to a copy). */
  void renumber(long dev, long ino) {
    numbers.put(new Key(dev, ino), next.getAndIncrement());
  }
}
