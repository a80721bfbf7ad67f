package org.unionfs.api.layer;

import java.util.HashMap;
import java.util.Map;

/**
 * What one apply knows about the paths it touched: created by this tar (with everything below), or a
 * pre-existing directory that a directory member of this tar merged into. Only paths created directly
 * in pre-existing directories are recorded, so memory follows the number of such entries, never the
 * bytes of the layer. The last "created here?" answer is cached: consecutive members share a parent.
 *
 * <p>For each path, the number of merged directories at or below it is kept, so that {@link #forget}
 * (once per replaced or whited-out entry) answers "anything merged below?" with one lookup instead of
 * a scan of every record: the scan made an apply with many whiteouts quadratic.
 */
final class ApplyState {
  private static final byte CREATED = 1;
  private static final byte MERGED = 2;
  private final Map<String, Byte> state = new HashMap<>();
  /** Per path: how many recorded merged directories are that path or below it. */
  private final Map<String, Integer> mergedAtOrBelow = new HashMap<>();
  private String cachedPath;
  private boolean cachedCreated;

  /** Records that this apply created {@code rel}. */
  void created(String rel) {
    Byte old = state.put(rel, CREATED);
    if (old != null && old == MERGED) {
      countMerged(rel, -1);
    }
    cachedPath = null;
  }

  /** Records that a directory member of this tar merged into the pre-existing directory {@code rel}. */
  void merged(String rel) {
    Byte old = state.put(rel, MERGED);
    if (old == null || old != MERGED) {
      countMerged(rel, +1);
    }
    cachedPath = null;
  }

  /** Whether {@code rel} itself is recorded as created (not merely below a created directory). */
  boolean isCreated(String rel) {
    Byte s = state.get(rel);
    return s != null && s == CREATED;
  }

  /** Whether {@code rel} is recorded as a merged directory. */
  boolean isMerged(String rel) {
    Byte s = state.get(rel);
    return s != null && s == MERGED;
  }

  /** Whether {@code rel} is recorded at all. */
  boolean isRecorded(String rel) {
    return state.containsKey(rel);
  }

  /** Whether {@code rel} or an ancestor was created by this apply (so nothing there is lower content). */
  boolean createdHere(String rel) {
    if (rel.equals(cachedPath)) {
      return cachedCreated;
    }
    boolean created = false;
    String p = rel;
    while (true) {
      if (isCreated(p)) {
        created = true;
        break;
      }
      if (p.isEmpty()) {
        break;
      }
      p = Names.parent(p);
    }
    cachedPath = rel;
    cachedCreated = created;
    return created;
  }

  /** Whether {@code rel} came from this tar: recorded, or below a directory this apply created. */
  boolean fromThisTar(String rel) {
    return state.containsKey(rel) || createdHere(rel);
  }

  /** Drops what is recorded for {@code rel} and below, before it is moved or removed. */
  void forget(String rel) {
    if (state.containsKey(rel) || mergedAtOrBelow.containsKey(rel)) {
      state.entrySet().removeIf(s -> {
        if (!Names.isUnder(s.getKey(), rel)) {
          return false;
        }
        if (s.getValue() == MERGED) {
          countMerged(s.getKey(), -1);
        }
        return true;
      });
    }
    cachedPath = null;
  }

  /** Adds {@code delta} to the merged count of {@code rel} and of each of its ancestors up to the root. */
  private void countMerged(String rel, int delta) {
    String p = rel;
    while (true) {
      mergedAtOrBelow.merge(p, delta, (a, b) -> a + b == 0 ? null : a + b);
      if (p.isEmpty()) {
        return;
      }
      p = Names.parent(p);
    }
  }
}
