package org.unionfs.api.union;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Top-down lookup through the branches, reading both whiteout formats, with a cache of looked-up paths and
 * of merged directory listings. The caches are exact as long as the branches change only through the
 * union: every change invalidates what it touches ({@link #invalidate}). A cache miss resolves under the
 * read lock of {@link #lock}, every change holds its write lock, so a lookup never caches a state that a
 * concurrent change has already replaced.
 */
final class Lookup {
  /** NAME_MAX minus the length of {@code .wh.}: longer names cannot have an aufs whiteout. */
  private static final int MAX_WHITEOUT_TARGET = 255 - 4;

  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Path[] roots;
  private final LongPaths longPaths;
  private final Inodes inodes;
  private final Posix posix = Posix.get();
  private final UnionNative nat = UnionNative.get();
  private final ConcurrentHashMap<String, Node> nodes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Listing> listings = new ConcurrentHashMap<>();
  /** Child lookups per directory not yet listed; the listing is built after {@link #LIST_AFTER} of them. */
  private final ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicInteger> childLookups =
      new ConcurrentHashMap<>();
  private static final int LIST_AFTER = 16;
  /** The same for a directory merged from several branches, where each scan costs an lstat per branch. */
  private static final int LIST_MERGED_AFTER = 2;

  Lookup(Path[] roots, Inodes inodes) {
    this.roots = roots.clone();
    this.inodes = inodes;
    this.longPaths = new LongPaths(this.roots);
  }

  int branchCount() {
    return roots.length;
  }

  /**
   * The path of union {@code path} inside branch {@code branch}; past PATH_MAX, one resolved through an
   * open directory of the branch ({@link LongPaths}).
   */
  Path real(int branch, String path) {
    if (path.equals("/")) {
      return roots[branch];
    }
    String rel = UnionPaths.relative(path);
    return longPaths.fits(branch, rel) ? roots[branch].resolve(rel) : longPaths.resolve(branch, rel);
  }

  /** Closes the descriptors held for long paths (the union is closing). */
  void close() {
    longPaths.close();
  }

  long inode(FileStat s) {
    return inodes.of(s.dev(), s.ino());
  }

  // ---- lookup ----

  /** The node of {@code path}, from the cache or looked up. */
  Node resolve(String path) throws IOException {
    Node n = nodes.get(path);
    if (n != null) {
      return n;
    }
    lock.readLock().lock();
    try {
      return resolveLocked(path);
    } finally {
      lock.readLock().unlock();
    }
  }

  private Node resolveLocked(String path) throws IOException {
    Node n = nodes.get(path);
    if (n != null) {
      return n;
    }
    if (path.equals("/")) {
      n = lookupRoot();
    } else {
      Node parent = resolveLocked(UnionPaths.parent(path));
      String name = UnionPaths.name(path);
      n = parent.isDirectory() && !UnionPaths.reserved(name) ? lookupChild(parent, path, name) : Node.absent(path);
    }
    nodes.put(path, n);
    return n;
  }

  /** The node of an existing path; NoSuchFileException or, below a non-directory, NotDirectoryException. */
  Node require(String path) throws IOException {
    Node n = find(path);
    if (n == null) {
      throw new NoSuchFileException(path);
    }
    return n;
  }

  /** The node of an existing path, null if absent; NotDirectoryException below a non-directory. */
  Node find(String path) throws IOException {
    Node n = resolve(path);
    if (n.exists()) {
      return n;
    }
    for (String p = UnionPaths.parent(path); !p.equals("/"); p = UnionPaths.parent(p)) {
      Node a = resolve(p);
      if (a.exists() && !a.isDirectory()) {
        throw new NotDirectoryException(path);
      }
    }
    return null;
  }

  /** The cached paths whose entry has union inode number {@code ino} (a scan: for hard links only). */
  List<String> namesOf(long ino) {
    List<String> out = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (n.exists() && n.ino() == ino && !n.isDirectory()) {
        out.add(n.path());
      }
    }
    return out;
  }

  /** The node of an existing directory, else NoSuchFile/NotDirectory. */
  Node requireDirectory(String path) throws IOException {
    Node n = require(path);
    if (!n.isDirectory()) {
      throw new NotDirectoryException(path);
    }
    return n;
  }

  private Node lookupRoot() throws IOException {
    List<Integer> branches = new ArrayList<>();
    List<Boolean> xw = new ArrayList<>();
    FileStat top = null;
    for (int b = 0; b < roots.length; b++) {
      FileStat s = posix.lstat(roots[b]);
      if (!s.isDirectory()) {
        throw new NotDirectoryException(roots[b].toString());
      }
      top = top == null ? s : top;
      int mark = dirMark(roots[b]);
      branches.add(b);
      xw.add(mark == MARK_X);
      if (mark == MARK_OPAQUE) {
        break;
      }
    }
    return directory("/", branches, xw, top);
  }

  private Node lookupChild(Node parent, String path, String name) throws IOException {
    Listing listing = listings.get(parent.path());
    if (listing == null
        && childLookups.computeIfAbsent(parent.path(), k -> new java.util.concurrent.atomic.AtomicInteger())
            .incrementAndGet() >= (parent.single() ? LIST_AFTER : LIST_MERGED_AFTER)) {
      listing = listing(parent); // many lookups here: one merge answers all the next ones
    }
    if (listing != null) {
      Listing.Slot slot = listing.get(name);
      if (slot == null) {
        return Node.absent(path);
      }
      if (slot.entry.type() != FileStat.S_IFDIR) {
        Optional<FileStat> s = posix.lstatIfExists(real(slot.branch, path));
        if (s.isPresent() && s.get().type() == slot.entry.type()) {
          return new Node(path, slot.branch, s.get(), inode(s.get()), null, null);
        }
      }
    }
    return scanChild(parent, path, name);
  }

  /** Looks {@code name} up branch by branch (directories, and names in directories not listed). */
  private Node scanChild(Node parent, String path, String name) throws IOException {
    int[] pb = parent.dirBranches();
    boolean[] px = parent.xattrWhiteouts();
    for (int i = 0; i < pb.length; i++) {
      Path p = real(pb[i], path);
      Optional<FileStat> found = posix.lstatIfExists(p);
      if (found.isEmpty()) {
        if (hasAufsWhiteout(real(pb[i], parent.path()), name)) {
          return Node.absent(path);
        }
        continue;
      }
      FileStat s = found.get();
      if (isWhiteout(s, px[i], p)) {
        return Node.absent(path);
      }
      if (!s.isDirectory()) {
        return new Node(path, pb[i], s, inode(s), null, null);
      }
      List<Integer> branches = new ArrayList<>();
      List<Boolean> xw = new ArrayList<>();
      int mark = dirMark(p);
      branches.add(pb[i]);
      xw.add(mark == MARK_X);
      for (int j = i + 1; j < pb.length && mark != MARK_OPAQUE; j++) {
        Path q = real(pb[j], path);
        Optional<FileStat> below = posix.lstatIfExists(q);
        if (below.isEmpty()) {
          if (hasAufsWhiteout(real(pb[j], parent.path()), name)) {
            break;
          }
          continue;
        }
        if (!below.get().isDirectory()) {
          break; // a file or a whiteout ends the merge
        }
        mark = dirMark(q);
        branches.add(pb[j]);
        xw.add(mark == MARK_X);
      }
      return directory(path, branches, xw, s);
    }
    return Node.absent(path);
  }

  private Node directory(String path, List<Integer> branches, List<Boolean> xw, FileStat top) {
    int[] b = new int[branches.size()];
    boolean[] x = new boolean[b.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = branches.get(i);
      x[i] = xw.get(i);
    }
    return new Node(path, b[0], top, inode(top), b, x);
  }

  /**
   * Whether a branch below the top one holds a visible entry at {@code path} that the top branch's entry (or
   * its absence) would reveal: the test for "a deletion needs a whiteout".
   */
  boolean existsBelow(String path, int fromBranch) throws IOException {
    Node parent = resolve(UnionPaths.parent(path));
    if (!parent.isDirectory()) {
      return false;
    }
    String name = UnionPaths.name(path);
    int[] pb = parent.dirBranches();
    for (int i = 0; i < pb.length; i++) {
      if (pb[i] <= fromBranch) {
        continue;
      }
      Path p = real(pb[i], path);
      Optional<FileStat> found = posix.lstatIfExists(p);
      if (found.isPresent()) {
        return !isWhiteout(found.get(), parent.xattrWhiteouts()[i], p);
      }
      if (hasAufsWhiteout(real(pb[i], parent.path()), name)) {
        return false;
      }
    }
    return false;
  }

  // ---- markers ----

  static final int MARK_NONE = 0;
  static final int MARK_OPAQUE = 1;
  static final int MARK_X = 2;

  /** Whether {@code dir} is opaque (aufs marker or overlay xattr "y") or may hold xattr whiteouts ("x"). */
  int dirMark(Path dir) throws IOException {
    if (posix.lstatIfExists(dir.resolve(UnionPaths.OPAQUE)).isPresent()) {
      return MARK_OPAQUE;
    }
    int mark = MARK_NONE;
    for (String name : new String[] {"trusted.overlay.opaque", "user.overlay.opaque"}) {
      Optional<byte[]> v = posix.getXattr(dir, name);
      if (v.isPresent() && v.get().length == 1) {
        if (v.get()[0] == 'y') {
          return MARK_OPAQUE;
        }
        if (v.get()[0] == 'x') {
          mark = MARK_X;
        }
      }
    }
    return mark;
  }

  boolean hasAufsWhiteout(Path dir, String name) throws IOException {
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_WHITEOUT_TARGET) {
      return false;
    }
    return posix.lstatIfExists(dir.resolve(UnionPaths.WH + name)).isPresent();
  }

  /** An overlayfs whiteout: char device 0/0, or (in an {@code opaque=x} directory) an empty marked file. */
  boolean isWhiteout(FileStat s, boolean xattrWhiteouts, Path p) throws IOException {
    if (s.isOverlayWhiteout()) {
      return true;
    }
    return xattrWhiteouts && s.isRegularFile() && s.size() == 0
        && (posix.getXattr(p, "trusted.overlay.whiteout").isPresent()
            || posix.getXattr(p, "user.overlay.whiteout").isPresent());
  }

  // ---- listings ----

  /** The merged listing of a directory node (cached; kept up to date by the union's changes). */
  List<DirEntry> list(Node dir) throws IOException {
    return listing(dir).snapshot();
  }

  /** Whether the directory is empty in the union view. */
  boolean isEmpty(Node dir) throws IOException {
    return listing(dir).isEmpty();
  }

  private Listing listing(Node dir) throws IOException {
    Listing l = listings.get(dir.path());
    if (l != null) {
      return l;
    }
    lock.readLock().lock();
    try {
      l = listings.get(dir.path());
      if (l == null) {
        l = merge(dir);
        listings.put(dir.path(), l);
        childLookups.remove(dir.path());
      }
      return l;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The number of subdirectories in the merged view (for the directory's link count). */
  int subdirectories(Node dir) throws IOException {
    return listing(dir).subdirectories();
  }

  private Listing merge(Node dir) throws IOException {
    Listing out = new Listing();
    Set<String> hidden = new HashSet<>();
    int[] branches = dir.dirBranches();
    for (int i = 0; i < branches.length; i++) {
      Path d = real(branches[i], dir.path());
      long dev = posix.lstat(d).dev();
      Set<String> local = new HashSet<>();
      for (UnionNative.Dirent e : nat.readDirectory(d)) {
        String name = e.name();
        if (name.startsWith(UnionPaths.WH)) {
          if (!name.startsWith(UnionPaths.WH_META)) {
            local.add(name.substring(UnionPaths.WH.length()));
          }
          continue;
        }
        int type = modeType(e.dtype());
        if (type == 0 || type == FileStat.S_IFCHR
            || dir.xattrWhiteouts()[i] && type == FileStat.S_IFREG) {
          Path p = d.resolve(name);
          Optional<FileStat> s = posix.lstatIfExists(p);
          if (s.isEmpty()) {
            continue;
          }
          if (isWhiteout(s.get(), dir.xattrWhiteouts()[i], p)) {
            local.add(name);
            continue;
          }
          type = s.get().type();
        }
        if (!hidden.contains(name) && out.get(name) == null) {
          out.put(new DirEntry(name, inodes.of(dev, e.ino()), type), branches[i]);
        }
      }
      hidden.addAll(local);
    }
    return out;
  }

  static int modeType(int dtype) {
    return switch (dtype) {
      case UnionNative.DT_FIFO -> FileStat.S_IFIFO;
      case UnionNative.DT_CHR -> FileStat.S_IFCHR;
      case UnionNative.DT_DIR -> FileStat.S_IFDIR;
      case UnionNative.DT_BLK -> FileStat.S_IFBLK;
      case UnionNative.DT_REG -> FileStat.S_IFREG;
      case UnionNative.DT_LNK -> FileStat.S_IFLNK;
      case UnionNative.DT_SOCK -> FileStat.S_IFSOCK;
      default -> 0;
    };
  }

  // ---- invalidation (callers hold the write lock) ----

  /** Forgets {@code path}: its node, listing and (if {@code subtree}) everything below it. */
  void invalidate(String path, boolean subtree) {
    longPaths.forget(path.equals("/") ? "" : UnionPaths.relative(path));
    nodes.remove(path);
    listings.remove(path);
    childLookups.remove(path);
    if (subtree) {
      String prefix = path.equals("/") ? "/" : path + "/";
      nodes.keySet().removeIf(k -> k.startsWith(prefix));
      listings.keySet().removeIf(k -> k.startsWith(prefix));
      childLookups.keySet().removeIf(k -> k.startsWith(prefix));
    }
  }

  /** A name appeared in the upper branch: record it in its directory's listing (if listed). */
  void added(String path, FileStat s) {
    Listing l = listings.get(UnionPaths.parent(path));
    if (l != null) {
      l.put(new DirEntry(UnionPaths.name(path), inode(s), s.type()), 0);
    }
  }

  /** A name left the union view. */
  void removed(String path) {
    Listing l = listings.get(UnionPaths.parent(path));
    if (l != null) {
      l.remove(UnionPaths.name(path));
    }
  }

  /** The entry at {@code path} now lives in the upper branch (copied up); its name and number stay. */
  void copiedUp(String path) {
    nodes.remove(path);
    Listing l = listings.get(UnionPaths.parent(path));
    Listing.Slot slot = l == null ? null : l.get(UnionPaths.name(path));
    if (slot != null) {
      slot.branch = 0;
    }
  }

  /** The node of {@code dir} itself changed (its branches, opaqueness, or a cached lower stat). */
  void nodeChanged(String path) {
    nodes.remove(path);
  }
}
