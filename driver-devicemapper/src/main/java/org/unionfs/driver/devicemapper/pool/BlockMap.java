package org.unionfs.driver.devicemapper.pool;

import java.util.Map;
import java.util.TreeMap;

/**
 * One thin device's mapping: virtual block to (data block, time), as dm-thin's bottom-level btree.
 *
 * <p>Stored as pages of {@value #PAGE} slots in a sorted directory. A snapshot copies only the
 * directory and marks every page shared; a page is copied on its first change after that. So
 * taking a snapshot costs O(pages), not O(mapped blocks), and origin and snapshot share memory the
 * way the kernel's btrees share nodes. A slot holds {@code ((dataBlock + 1) << 24) | time}, zero
 * meaning unmapped (the kernel packs block and time the same way, without the +1).
 */
final class BlockMap {
  static final int PAGE_BITS = 10;
  static final int PAGE = 1 << PAGE_BITS;
  static final long TIME_MASK = (1L << 24) - 1;

  /** A page of slots; {@code sharers} counts the maps holding it (copy-on-write when above 1). */
  private static final class Page {
    final long[] slots;
    int mapped;
    int sharers = 1;

    Page(long[] slots, int mapped) {
      this.slots = slots;
      this.mapped = mapped;
    }
  }

  /** Receives each mapping in ascending virtual-block order. */
  interface Visitor {
    void mapping(long vblock, long dataBlock, int time);
  }

  private final TreeMap<Long, Page> pages = new TreeMap<>();
  private long mapped;

  static long pack(long dataBlock, int time) {
    return ((dataBlock + 1) << 24) | (time & TIME_MASK);
  }

  static long dataBlock(long packed) {
    return (packed >>> 24) - 1;
  }

  static int time(long packed) {
    return (int) (packed & TIME_MASK);
  }

  /** The packed slot of {@code vblock}, or 0 when unmapped. */
  long get(long vblock) {
    Page p = pages.get(vblock >>> PAGE_BITS);
    return p == null ? 0 : p.slots[(int) (vblock & (PAGE - 1))];
  }

  /** Sets a slot and returns the previous packed value (0 when it was unmapped). */
  long put(long vblock, long packed) {
    long key = vblock >>> PAGE_BITS;
    Page p = pages.get(key);
    if (p == null) {
      if (packed == 0) {
        return 0;
      }
      p = new Page(new long[PAGE], 0);
      pages.put(key, p);
    } else if (p.sharers > 1) {
      p.sharers--;
      p = new Page(p.slots.clone(), p.mapped);
      pages.put(key, p);
    }
    int i = (int) (vblock & (PAGE - 1));
    long old = p.slots[i];
    p.slots[i] = packed;
    if (old == 0 && packed != 0) {
      p.mapped++;
      mapped++;
    } else if (old != 0 && packed == 0) {
      p.mapped--;
      mapped--;
      if (p.mapped == 0) {
        pages.remove(key);
      }
    }
    return old;
  }

  /** Number of mapped virtual blocks. */
  long mapped() {
    return mapped;
  }

  /** A map sharing every page with this one (the pages are copied on their next change in either). */
  BlockMap snapshot() {
    BlockMap copy = new BlockMap();
    for (Map.Entry<Long, Page> e : pages.entrySet()) {
      e.getValue().sharers++;
      copy.pages.put(e.getKey(), e.getValue());
    }
    copy.mapped = mapped;
    return copy;
  }

  /** Drops this map's hold on its pages (after a delete, so sharers stay exact). */
  void release() {
    for (Page p : pages.values()) {
      p.sharers--;
    }
    pages.clear();
    mapped = 0;
  }

  void forEach(Visitor v) {
    for (Map.Entry<Long, Page> e : pages.entrySet()) {
      long base = e.getKey() << PAGE_BITS;
      long[] s = e.getValue().slots;
      for (int i = 0; i < PAGE; i++) {
        if (s[i] != 0) {
          v.mapping(base + i, dataBlock(s[i]), time(s[i]));
        }
      }
    }
  }
}
