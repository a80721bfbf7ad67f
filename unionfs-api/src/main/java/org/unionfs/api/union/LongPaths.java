package org.unionfs.api.union;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Branch paths longer than the kernel takes in one string. A union path may be up to PATH_MAX (4096
 * bytes) long relative to where the caller stands, so the branch root in front of it can push the real
 * path past PATH_MAX, and every system call on it would fail with ENAMETOOLONG where overlayfs (which
 * works on dentries) succeeds. Such a path is resolved openat-style: its leading directories are opened
 * ({@code O_PATH}) relative to the branch root's descriptor, piece by piece, and the rest is named
 * through that descriptor as {@code /proc/self/fd/N/./rest}, which every path-taking call (the JDK's
 * included) resolves relative to the open directory. The {@code /.} keeps {@code Path.getParent()} of
 * a one-component rest at the directory itself, never at the magic link.
 *
 * <p>The descriptors of leading directories are cached by (branch, directory path). A rename or removal
 * of a directory makes the entries at and below it stale: {@link #forget} drops them. Their descriptors
 * are not closed at once, because another thread may still be using a path string that names one (a
 * closed number could be reused for another directory); they are closed when the union closes, or
 * oldest first when many have piled up.
 */
final class LongPaths {
  /** Longest real path built as one string: PATH_MAX less room for a name and ".wh." appended to it. */
  static final int MAX_DIRECT = 4095 - 300;
  /** The most bytes of path handed to one openat while walking down. */
  private static final int MAX_STEP = 3000;
  /** The most bytes left after the opened directory. */
  private static final int MAX_REST = 2000;
  private static final int O_PATH_DIR = 010000000 | 0200000 | 02000000; // O_PATH|O_DIRECTORY|O_CLOEXEC
  private static final int MAX_RETIRED = 4096;
  /** Names nothing: a path through a directory that could not be opened (it does not exist). */
  private static final Path MISSING = Path.of("/proc/self/fd/-1/missing");

  private final Path[] roots;
  private final int[] rootBytes;
  private final int[] rootFds;
  private final UnionNative nat = UnionNative.get();
  private final ConcurrentHashMap<String, Integer> dirs = new ConcurrentHashMap<>();
  private final List<Integer> retired = new ArrayList<>();

  LongPaths(Path[] roots) {
    this.roots = roots;
    rootBytes = new int[roots.length];
    rootFds = new int[roots.length];
    for (int i = 0; i < roots.length; i++) {
      rootBytes[i] = roots[i].toString().getBytes(StandardCharsets.UTF_8).length;
      rootFds[i] = -1;
    }
  }

  /** Whether {@code rel} below branch {@code branch} fits into one path string. */
  boolean fits(int branch, String rel) {
    int n = rel.length();
    if (rootBytes[branch] + 1 + 3 * n <= MAX_DIRECT) {
      return true; // even if every char took three bytes
    }
    return rootBytes[branch] + 1 + utf8Length(rel, 0, n) <= MAX_DIRECT;
  }

  /** The real path of {@code rel} (branch-relative, not empty, too long for {@link #fits}). */
  Path resolve(int branch, String rel) {
    int fd = rootFd(branch);
    if (fd < 0) {
      return MISSING;
    }
    int pos = 0;
    int end = rel.length();
    // keep the last component out of the opened part, so that the rest names an entry in a directory
    int lastSlash = rel.lastIndexOf('/');
    while (utf8Length(rel, pos, end) > MAX_REST) {
      int cut = cutBefore(rel, pos, lastSlash);
      if (cut <= pos) {
        return MISSING; // a single component over MAX_STEP: no such name exists (NAME_MAX is 255)
      }
      String key = branch + ":" + rel.substring(0, cut);
      Integer cached = dirs.get(key);
      if (cached == null) {
        int opened = nat.openat(fd, rel.substring(pos, cut), O_PATH_DIR);
        if (opened < 0) {
          return MISSING;
        }
        Integer raced = dirs.putIfAbsent(key, opened);
        if (raced != null) {
          nat.closeQuietly(opened);
          cached = raced;
        } else {
          cached = opened;
        }
      }
      fd = cached;
      pos = cut + 1;
    }
    return Path.of("/proc/self/fd/" + fd + "/./" + rel.substring(pos));
  }

  /** The last '/' in rel[pos, limit] such that rel[pos, cut) stays within {@link #MAX_STEP} bytes. */
  private static int cutBefore(String rel, int pos, int limit) {
    int best = -1;
    int bytes = 0;
    for (int i = pos; i <= limit && i < rel.length(); i++) {
      char c = rel.charAt(i);
      if (c == '/') {
        if (bytes > MAX_STEP) {
          break;
        }
        best = i;
      }
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return best;
  }

  private synchronized int rootFd(int branch) {
    if (rootFds[branch] < 0) {
      rootFds[branch] = nat.openat(UnionNative.AT_FDCWD, roots[branch].toString(), O_PATH_DIR);
    }
    return rootFds[branch];
  }

  /** Directory {@code rel} (branch-relative; "" for the root) was renamed or removed: forget it and below. */
  void forget(String rel) {
    if (dirs.isEmpty()) {
      return;
    }
    synchronized (this) {
      dirs.entrySet().removeIf(e -> {
        String key = e.getKey();
        String p = key.substring(key.indexOf(':') + 1);
        boolean under = rel.isEmpty() || p.equals(rel) || p.startsWith(rel) && p.charAt(rel.length()) == '/';
        if (under) {
          retired.add(e.getValue());
        }
        return under;
      });
      while (retired.size() > MAX_RETIRED) {
        nat.closeQuietly(retired.remove(0));
      }
    }
  }

  /** Closes every descriptor (the union is closing). */
  synchronized void close() {
    dirs.values().forEach(nat::closeQuietly);
    dirs.clear();
    retired.forEach(nat::closeQuietly);
    retired.clear();
    for (int i = 0; i < rootFds.length; i++) {
      if (rootFds[i] >= 0) {
        nat.closeQuietly(rootFds[i]);
        rootFds[i] = -1;
      }
    }
  }

  private static int utf8Length(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }
}
