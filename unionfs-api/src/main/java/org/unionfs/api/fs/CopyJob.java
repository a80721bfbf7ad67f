package org.unionfs.api.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
 */
final class CopyJob {
  private record InodeKey(long dev, long ino) {}

  private final Posix posix = Posix.get();
  private final FsNative nat = FsNative.get();
  private final DataCopier data = new DataCopier();
  private final ReflinkMode mode;
  /** Null until the first non-empty regular file decides it (AUTO). */
  private Boolean reflink;
  private final Map<InodeKey, Path> linked = new HashMap<>();

  private long entries;
  private long hardlinks;
  private long regularFiles;
  private long clonedFiles;
  private long dataBytes;
  private long copiedBytes;

  CopyJob(ReflinkMode mode) {
    this.mode = mode;
    this.reflink = switch (mode) {
      case NEVER -> Boolean.FALSE;
      case ALWAYS -> Boolean.TRUE;
      case AUTO -> null;
    };
  }

  CopyResult result() {
    return new CopyResult(entries, hardlinks, regularFiles, clonedFiles, dataBytes, copiedBytes);
  }

  /** Copies the directory {@code src} onto {@code dst} (absent, or an empty directory), recursively. */
  void copyTree(Path src, Path dst) throws IOException {
    FileStat st = posix.lstat(src);
    if (!st.isDirectory()) {
      throw new FileSystemException(src.toString(), null, "copy tree: not a directory");
    }
    boolean existed = prepareRoot(dst);
    copyDirectory(src, dst, st, existed, false); // the root's parent is the caller's: maybe setgid
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

  private void copyDirectory(Path src, Path dst, FileStat st, boolean dstExists, boolean freshParent)
      throws IOException {
    if (!dstExists) {
      nat.mkdir(dst, 0700); // owner-writable while we fill it; the real mode comes after the children
    }
    entries++;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(src)) {
      for (Path child : ds) {
        Path name = child.getFileName();
        copyAny(child, dst.resolve(name.toString()));
      }
    }
    applyMetadata(src, dst, st, freshParent && !dstExists);
  }

  /**
   * Copies one entry of a tree; directories recurse. Its parent was created by this copy (mode 0700, no
   * default ACL), so a new entry starts owned by our effective ids with its mode less the umask.
   */
  private void copyAny(Path src, Path dst) throws IOException {
    FileStat st = posix.lstat(src);
    if (st.isDirectory()) {
      copyDirectory(src, dst, st, false, true);
    } else {
      copyNonDirectory(src, dst, st, true);
    }
  }

  /** Copies one entry; a directory becomes an empty directory with the source's metadata. */
  void copyEntry(Path src, Path dst) throws IOException {
    FileStat st = posix.lstat(src);
    if (st.isDirectory()) {
      nat.mkdir(dst, 0700);
      entries++;
      applyMetadata(src, dst, st, false);
    } else {
      copyNonDirectory(src, dst, st, false);
    }
  }

  /** @param inTree whether this is part of a tree copy: hard links are tracked and the parent is fresh */
  private void copyNonDirectory(Path src, Path dst, FileStat st, boolean inTree) throws IOException {
    InodeKey key = null;
    if (inTree && st.nlink() > 1) {
      key = new InodeKey(st.dev(), st.ino());
      Path first = linked.get(key);
      if (first != null) {
        Files.createLink(dst, first); // the inode already carries every piece of metadata
        entries++;
        hardlinks++;
        return;
      }
    }
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
    entries++;
    if (key != null) {
      linked.put(key, dst);
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
    regularFiles++;
    dataBytes += st.size();
  }

  private void copyData(int in, int out, FileStat st, Path src, Path dst) throws IOException {
    if (st.size() == 0) {
      return;
    }
    if (!Boolean.FALSE.equals(reflink)) {
      if (data.tryClone(in, out, dst)) {
        reflink = Boolean.TRUE;
        clonedFiles++;
        return;
      }
      if (mode == ReflinkMode.ALWAYS) {
        throw new FileSystemException(dst.toString(), src.toString(),
            "reflink clone refused by the filesystem (reflink mode ALWAYS)");
      }
      if (reflink == null) {
        reflink = Boolean.FALSE; // decided once per copy: this filesystem does not clone
      }
    }
    copiedBytes += data.copySparse(in, out, st.size(), src, dst);
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
