package org.unionfs.api.layer;

import java.nio.charset.StandardCharsets;

/**
 * A set of 64-bit hashes of the paths an apply created, in an open-addressing {@code long} table (8 to 16
 * bytes per path). "Not in the set" is certain; "in the set" means "maybe", and the caller checks the
 * disk. It lets the apply create below its own directories without an {@code lstat} per entry.
 */
final class PathHashes {
  private long[] table = new long[1 << 12];
  private int size;
  private boolean hasZero;

  /** Adds {@code path}; returns false if it (or a path with the same hash) was there already. */
  boolean add(String path) {
    long h = hash(path);
    if (h == 0) {
      boolean had = hasZero;
      hasZero = true;
      return !had;
    }
    if (size * 2 >= table.length) {
      grow();
    }
    return insert(table, h);
  }

  private boolean insert(long[] t, long h) {
    int mask = t.length - 1;
    int i = (int) (h ^ (h >>> 32)) & mask;
    while (t[i] != 0) {
      if (t[i] == h) {
        return false;
      }
      i = (i + 1) & mask;
    }
    t[i] = h;
    if (t == table) {
      size++;
    }
    return true;
  }

  private void grow() {
    long[] old = table;
    table = new long[old.length * 2];
    for (long h : old) {
      if (h != 0) {
        insert(table, h);
      }
    }
  }

  /** FNV-1a over the UTF-8 bytes, then a final mix. */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        h = (h ^ c) * 0x100000001b3L;
      } else {
        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
          h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
      }
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
