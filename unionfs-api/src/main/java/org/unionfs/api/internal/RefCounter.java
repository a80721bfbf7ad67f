package org.unionfs.api.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Reference counts of assembled layers (moby's {@code mountref.Counter}). Not thread-safe by itself:
 * callers hold the layer's {@link PerKeyLock}; the map is synchronised so that different layers can be
 * counted concurrently.
 */
public final class RefCounter {
  private final Map<String, Integer> counts = new HashMap<>();

  /** Adds one reference; returns the new count (1 means the caller must assemble the layer). */
  public synchronized int increment(String id) {
    return counts.merge(id, 1, Integer::sum);
  }

  /**
   * Drops one reference; returns the new count (0 means the caller must release the layer), or -1 if
   * the layer held none.
   */
  public synchronized int decrement(String id) {
    Integer c = counts.get(id);
    if (c == null) {
      return -1;
    }
    if (c == 1) {
      counts.remove(id);
      return 0;
    }
    counts.put(id, c - 1);
    return c - 1;
  }

  /** The current count (0 when not held). */
  public synchronized int get(String id) {
    return counts.getOrDefault(id, 0);
  }

  /** Every id held, with its count, and forgets them (used by close). */
  public synchronized Map<String, Integer> drain() {
    Map<String, Integer> copy = Map.copyOf(counts);
    counts.clear();
    return copy;
  }
}
