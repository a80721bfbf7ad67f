package org.unionfs.api.union;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.unionfs.api.posix.FileStat;

/**
 * The merged content of one union directory: every visible name with its union inode number, type and the
 * branch that holds it. Built once from the branches, then kept up to date by the union's own changes, so
 * that lookups in a listed directory cost a hash probe (plus one {@code lstat} for the attributes) however
 * many branches there are. Changes happen under the write lock; readers may run concurrently.
 */
final class Listing {
  /** One visible name; {@code branch} moves to 0 when the entry is copied up. */
  static final class Slot {
    final DirEntry entry;
    volatile int branch;

    Slot(DirEntry entry, int branch) {
      this.entry = entry;
      this.branch = branch;
    }
  }

  private final ConcurrentHashMap<String, Slot> byName = new ConcurrentHashMap<>();
  private volatile int subdirectories;

  Slot get(String name) {
    return byName.get(name);
  }

  /** Adds or replaces a name. */
  synchronized void put(DirEntry e, int branch) {
    Slot old = byName.put(e.name(), new Slot(e, branch));
    subdirectories += (e.type() == FileStat.S_IFDIR ? 1 : 0) - (isDir(old) ? 1 : 0);
  }

  synchronized void remove(String name) {
    Slot old = byName.remove(name);
    subdirectories -= isDir(old) ? 1 : 0;
  }

  private static boolean isDir(Slot s) {
    return s != null && s.entry.type() == FileStat.S_IFDIR;
  }

  int subdirectories() {
    return subdirectories;
  }

  boolean isEmpty() {
    return byName.isEmpty();
  }

  /** The entries now, as an immutable list (the order of a snapshot stays fixed). */
  List<DirEntry> snapshot() {
    List<DirEntry> out = new ArrayList<>(byName.size());
    for (Slot s : byName.values()) {
      out.add(s.entry);
    }
    return List.copyOf(out);
  }
}
