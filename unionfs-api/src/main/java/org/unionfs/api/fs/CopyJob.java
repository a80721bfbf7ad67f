package org.unionfs.api.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.LongAdder;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * One copy of a tree or an entry: the state that must be shared across entries (the reflink decision,
 * the hard-link map from source inode to first copied path) and the per-kind creation code.
 *
 * <p>Metadata order for every entry: create, {@code lchown} (which clears setuid/setgid and
 * {@code security.capability}), the xattrs (a POSIX ACL may rewrite group bits), the permission bits, and
 * the times last (setting an xattr does not touch mtime). A directory gets its metadata after its
 * children, so that its mtime survives their creation and a read-only directory can still be filled.
 *
 * <p>A tree is copied by a fork/join pool, one task per directory: a directory's files are copied by
 * the task itself, its subdirectories are forked, and its metadata is set once they are joined. The
 * first path of a hard-linked inode publishes a future that later paths wait for before linking.
 */
final class CopyJob {
  private record InodeKey(long dev, long ino) {}

  /**
   * Shared by every tree copy; daemon threads, as many as processors unless the system property
   * {@code unionfs.copy.threads} says otherwise (1 copies sequentially).
   */
  private static final class Pool {
    static final ForkJoinPool INSTANCE = new ForkJoinPool(Math.max(1,
        Integer.getInteger("unionfs.copy.threads", Runtime.getRuntime().availableProcessors())), pool -> {
          var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          t.setName("unionfs-copy-" + t.getPoolIndex());
          t.setDaemon(true);
          return t;
        }, null, false);
  }

  private final Posix posix = Posix.get();
  private final FsNative nat = FsNative.get();
  /** Per thread: holds a buffer and the copy_file_range fallback flag. */
  private final ThreadLocal<DataCopier> data = ThreadLocal.withInitial(DataCopier::new);
  private final ReflinkMode mode;
  /** Null until the first non-empty regular file decides it (AUTO). */
  private volatile Boolean reflink;
  private final ConcurrentHashMap<InodeKey, CompletableFuture<Path>> linked = new ConcurrentHashMap<>();

  private final LongAdder entries = new LongAdder();
  private final LongAdder hardlinks = new LongAdder();
  private final LongAdder regularFiles = new LongAdder();
  private final LongAdder clonedFiles = new LongAdder();
  private final LongAdder dataBytes = new LongAdder();
  private final LongAdder copiedBytes = new LongAdder();

  CopyJob(ReflinkMode mode) {
    this.mode = mode;
    this.reflink = switch (mode) {
      case NEVER -> Boolean.FALSE;
      case ALWAYS -> Boolean.TRUE;
      case AUTO -> null;
    };
  }

  CopyResult result() {
    return new CopyResult(entries.sum(), hardlinks.sum(), regularFiles.sum(), clonedFiles.sum(),
        dataBytes.sum(), copiedBytes.sum());
  }

  /** Copies the directory {@code src} onto {@code dst} (absent, or an empty directory), recursively. */
  void copyTree(Path src, Path dst) throws IOException {
    FileStat st = posix.lstat(src);
    if (!st.isDirectory()) {
      throw new FileSystemException(src.toString(), null, "copy tree: not a directory");
    }
    boolean existed = prepareRoot(dst);
    // the root's parent is the caller's: maybe setgid, so its owner is always set
    DirTask root = new DirTask(src, dst, st, existed, false);
    try {
      Pool.INSTANCE.invoke(root);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Checks the target; an existing empty directory is stripped of its xattrs (a default ACL would
   * otherwise be inherited by every child) and made 0700 (no setgid to pass its group on).
   */
  private boolean prepareRoot(Path dst) throws IOException {
    var existing = posix.lstatIfExists(dst);
    if (existing.isEmpty()) {
      return false;
    }
    if (!existing.get().isDirectory()) {
      throw new FileSystemException(dst.toString(), null, "copy tree: target exists and is not a directory");
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dst)) {
      if (ds.iterator().hasNext()) {
        throw new FileSystemException(dst.toString(), null, "copy tree: target directory is not empty");
      }
    }
    for (String name : posix.listXattrs(dst)) {
      posix.removeXattr(dst, name);
    }
    nat.check(nat.libc.chmod(dst.toString(), 0700), "chmod", dst);
    return true;
  }

  /** One directory of a tree: its files here, its subdirectories forked, its metadata last. */
  private final class DirTask extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    private final transient Path src;
    private final transient Path dst;
    private final transient FileStat st;
    private final boolean dstExists;
    private final boolean freshParent;

    DirTask(Path src, Path dst, FileStat st, boolean dstExists, boolean freshParent) {
      this.src = src;
      this.dst = dst;
      this.st = st;
      this.dstExists = dstExists;
      this.freshParent = freshParent;
    }

    @Override
    protected void compute() {
      try {
        if (!dstExists) {
          nat.mkdir(dst, 0700); // owner-writable while we fill it; the real mode comes after the children
        }
        entries.increment();
        List<DirTask> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(src)) {
          for (Path child : ds) {
            Path to = dst.resolve(child.getFileName().toString());
            FileStat cst = posix.lstat(child);
            if (cst.isDirectory()) {
              // its parent (dst) was created by this copy: mode 0700, no default ACL, our owner
              DirTask t = new DirTask(child, to, cst, false, true);
              t.fork();
              subdirs.add(t);
            } else {
              copyNonDirectory(child, to, cst, true);
            }
          }
        }
        UncheckedIOException failure = null;
        for (DirTask t : subdirs) {
          try {
            t.join();
          } catch (UncheckedIOException e) {
            failure = failure == null ? e : failure;
          }
        }
        if (failure != null) {
          throw failure;
        }
        applyMetadata(src, dst, st, freshParent && !dstExists);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Copies one entry; a directory becomes an empty directory with the source's metadata. */
  void copyEntry(Path src, Path dst) throws IOException {
    FileStat st = posix.lstat(src);
    if (st.isDirectory()) {
      nat.mkdir(dst, 0700);
      entries.increment();
      applyMetadata(src, dst, st, false);
    } else {
      copyNonDirectory(src, dst, st, false);
    }
  }

  /** @param inTree whether this is part of a tree copy: hard links are tracked and the parent is fresh */
  private void copyNonDirectory(Path src, Path dst, FileStat st, boolean inTree) throws IOException {
    CompletableFuture<Path> mine = null;
    if (inTree && st.nlink() > 1) {
      CompletableFuture<Path> claim = new CompletableFuture<>();
      CompletableFuture<Path> first = linked.putIfAbsent(new InodeKey(st.dev(), st.ino()), claim);
      if (first != null) {
        Path target;
        try {
          target = first.join(); // the inode already carries every piece of metadata
        } catch (CompletionException e) {
          throw new FileSystemException(src.toString(), null, "copy: first link of this inode failed");
        }
        Files.createLink(dst, target);
        entries.increment();
        hardlinks.increment();
        return;
      }
      mine = claim;
    }
    try {
      createNonDirectory(src, dst, st, inTree);
    } catch (IOException | RuntimeException e) {
      if (mine != null) {
        mine.completeExceptionally(e);
      }
      throw e;
    }
    entries.increment();
    if (mine != null) {
      mine.complete(dst);
    }
  }

  private void createNonDirectory(Path src, Path dst, FileStat st, boolean inTree) throws IOException {
    switch (st.type()) {
      case FileStat.S_IFREG -> copyRegular(src, dst, st, inTree);
      case FileStat.S_IFLNK -> {
        Files.createSymbolicLink(dst, Files.readSymbolicLink(src));
        applyMetadata(src, dst, st, inTree);
      }
      case FileStat.S_IFCHR, FileStat.S_IFBLK, FileStat.S_IFIFO, FileStat.S_IFSOCK -> {
        // A socket is recreated as a socket inode (mknod S_IFSOCK): nothing listens on it, as in the
        // source layer, where the process that bound it is gone too.
        posix.mknod(dst, st.type() | 0600, st.isCharDevice() || st.isBlockDevice() ? st.rdev() : 0);
        applyMetadata(src, dst, st, false);
      }
      default -> throw new FileSystemException(src.toString(), null,
          "copy: unknown file type 0" + Integer.toOctalString(st.type()));
    }
  }

  /**
   * The data first, then owner, xattrs, mode and times on the open descriptor. With a fresh parent the
   * file is created with its final permission bits and owned by us, so chown and chmod are skipped when
   * they would change nothing (as cp does): two system calls fewer per file.
   */
  private void copyRegular(Path src, Path dst, FileStat st, boolean freshParent) throws IOException {
    int perms = st.permissions();
    int in = nat.openForRead(src);
    try {
      int out = nat.createExclusive(dst, perms & 0777);
      try {
        copyData(in, out, st, src, dst);
        boolean owned = freshParent && st.uid() == nat.euid && st.gid() == nat.egid;
        if (!owned) {
          nat.check(nat.libc.fchown(out, st.uid(), st.gid()), "fchown", dst);
        }
        boolean acl = copyXattrs(src, dst);
        if (!owned || acl || (perms & 07000) != 0 || (perms & nat.umask) != 0) {
          nat.check(nat.libc.fchmod(out, perms), "fchmod", dst);
        }
        long[] times = {st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec()};
        nat.check(nat.libc.futimens(out, times), "futimens", dst);
      } finally {
        nat.close(out);
      }
    } finally {
      nat.close(in);
    }
    regularFiles.increment();
    dataBytes.add(st.size());
  }

  /** Records the first answer only: a later file-specific refusal does not turn clones off. */
  private synchronized void decide(Boolean answer) {
    if (reflink == null) {
      reflink = answer;
    }
  }

  private void copyData(int in, int out, FileStat st, Path src, Path dst) throws IOException {
    if (st.size() == 0) {
      return;
    }
    DataCopier copier = data.get();
    if (!Boolean.FALSE.equals(reflink)) {
      if (copier.tryClone(in, out, dst)) {
        decide(Boolean.TRUE);
        clonedFiles.increment();
        return;
      }
      if (mode == ReflinkMode.ALWAYS) {
        throw new FileSystemException(dst.toString(), src.toString(),
            "reflink clone refused by the filesystem (reflink mode ALWAYS)");
      }
      decide(Boolean.FALSE); // decided once per copy: this filesystem does not clone
    }
    copiedBytes.add(copier.copySparse(in, out, st.size(), src, dst));
  }

  /**
   * Owner, xattrs, permission bits, times; for symlinks no permission bits (Linux has none). The owner is
   * left alone when the entry was just created by us in a fresh parent and already has the right one.
   */
  private void applyMetadata(Path src, Path dst, FileStat st, boolean fresh) throws IOException {
    if (!(fresh && st.uid() == nat.euid && st.gid() == nat.egid)) {
      posix.lchown(dst, st.uid(), st.gid());
    }
    copyXattrs(src, dst);
    if (!st.isSymbolicLink()) {
      nat.check(nat.libc.chmod(dst.toString(), st.permissions()), "chmod", dst);
    }
    posix.setTimes(dst, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec());
  }

  /**
   * Copies every extended attribute of every namespace the caller can read.
   *
   * @return whether a POSIX access ACL was among them (setting one rewrites the group bits)
   */
  private boolean copyXattrs(Path src, Path dst) throws IOException {
    boolean acl = false;
    for (String name : posix.listXattrs(src)) {
      var value = posix.getXattr(src, name);
      if (value.isPresent()) {
        posix.setXattr(dst, name, value.get());
        acl |= name.equals("system.posix_acl_access");
      }
    }
    return acl;
  }
}
