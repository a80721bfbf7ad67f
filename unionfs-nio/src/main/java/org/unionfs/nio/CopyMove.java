package org.unionfs.nio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import org.unionfs.api.union.Caller;
import org.unionfs.api.union.UnionFileSystem;
import org.unionfs.api.union.UnionStat;

/**
 * {@code copy} and {@code move} between paths of this provider, as the default provider does them on
 * Linux: within one union a move is the engine's {@code rename} (copy and delete only where the union
 * refuses a directory rename with EXDEV), a copy reads and writes through the union; between two unions
 * both are a copy through {@code Files}. (Between providers the JDK copies by itself.)
 */
final class CopyMove {
  private static final int CHUNK = 128 * 1024;

  private CopyMove() {}

  static void copy(UnionPath source, UnionPath target, Options.Copy o) throws IOException {
    if (source.getFileSystem() != target.getFileSystem()) {
      copyAcross(source, target, o);
      return;
    }
    UnionNioFileSystem fs = source.getFileSystem();
    UnionOps ops = fs.ops();
    UnionFileSystem union = ops.union();
    String from = ops.realPath(source, !o.noFollow());
    UnionStat st;
    try {
      st = union.getattr(from);
    } catch (IOException e) {
      throw Errors.on(e, source, null);
    }
    String to = ops.realPath(target, false);
    if (!prepareTarget(fs, target, to, st, o.replace())) {
      return;
    }
    try {
      int perms = st.mode() & 07777;
      if (st.isDirectory()) {
        union.mkdir(to, perms, Caller.PROCESS);
      } else if (st.isSymbolicLink()) {
        union.symlink(union.readlink(from), to, Caller.PROCESS);
      } else if (st.isRegularFile()) {
        copyContent(union, from, to, perms);
      } else {
        union.mknod(to, st.mode(), st.rdev(), Caller.PROCESS);
      }
      if (o.copyAttributes()) {
        if (!st.isSymbolicLink()) {
          try {
            union.chown(to, st.uid(), st.gid());
          } catch (IOException e) {
            // as the default provider: the owner is copied where permitted
          }
          union.chmod(to, perms);
        }
        union.utimens(to, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec());
      }
    } catch (IOException e) {
      throw Errors.on(e, target, null);
    }
  }

  /**
   * Removes an existing target when {@code replace}, else throws; false if source and target are the same
   * entry (nothing to do).
   */
  private static boolean prepareTarget(UnionNioFileSystem fs, UnionPath target, String to, UnionStat source,
      boolean replace) throws IOException {
    UnionStat existing = fs.ops().statIfExists(to);
    if (existing == null) {
      return true;
    }
    if (existing.ino() == source.ino()) {
      return false;
    }
    if (!replace) {
      throw new FileAlreadyExistsException(target.toString());
    }
    try {
      if (existing.isDirectory()) {
        fs.ops().union().rmdir(to);
      } else {
        fs.ops().union().unlink(to);
      }
    } catch (IOException e) {
      throw Errors.on(e, target, null);
    }
    return true;
  }

  private static void copyContent(UnionFileSystem union, String from, String to, int perms) throws IOException {
    long in = union.open(from, UnionFileSystem.O_RDONLY);
    try {
      long out = union.create(to, perms, UnionFileSystem.O_WRONLY | UnionFileSystem.O_CREAT
          | UnionFileSystem.O_EXCL, Caller.PROCESS);
      try {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long at = 0;
        for (int n; (n = union.read(in, buf.clear(), at)) > 0; at += n) {
          buf.flip();
          union.write(out, buf, at);
        }
      } finally {
        union.release(out);
      }
    } finally {
      union.release(in);
    }
  }

  static void move(UnionPath source, UnionPath target, Options.Copy o) throws IOException {
    if (source.getFileSystem() != target.getFileSystem()) {
      if (o.atomic()) {
        throw new AtomicMoveNotSupportedException(source.toString(), target.toString(),
            "different union file systems");
      }
      copyAcross(source, target, new Options.Copy(o.replace(), true, false, true));
      Files.delete(source);
      return;
    }
    UnionNioFileSystem fs = source.getFileSystem();
    UnionFileSystem union = fs.ops().union();
    String from = fs.ops().realPath(source, false);
    String to = fs.ops().realPath(target, false);
    UnionStat st;
    try {
      st = union.getattr(from);
    } catch (IOException e) {
      throw Errors.on(e, source, null);
    }
    if (!o.atomic() && !prepareTarget(fs, target, to, st, o.replace())) {
      return;
    }
    try {
      union.rename(from, to, o.replace() || o.atomic() ? 0 : UnionFileSystem.RENAME_NOREPLACE);
    } catch (AtomicMoveNotSupportedException e) {
      if (o.atomic()) {
        throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), e.getReason());
      }
      // EXDEV: the union will not rename this directory; as across file systems, only an empty one moves
      if (st.isDirectory() && !union.list(from).isEmpty()) {
        throw new DirectoryNotEmptyException(source.toString());
      }
      copy(source, target, new Options.Copy(false, true, false, true));
      fs.ops().delete(source);
    } catch (IOException e) {
      throw Errors.on(e, source, target);
    }
  }

  /** A copy between two union file systems, through {@code Files} (the JDK's foreign-target copy). */
  private static void copyAcross(UnionPath source, UnionPath target, Options.Copy o) throws IOException {
    LinkOption[] link = o.noFollow() ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS} : new LinkOption[0];
    BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class, link);
    if (o.replace()) {
      Files.deleteIfExists(target);
    } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString());
    }
    if (a.isDirectory()) {
      Files.createDirectory(target);
    } else if (a.isSymbolicLink()) {
      Files.createSymbolicLink(target, target.getFileSystem().getPath(Files.readSymbolicLink(source).toString()));
    } else {
      try (InputStream in = Files.newInputStream(source)) {
        Files.copy(in, target);
      }
    }
    if (o.copyAttributes()) {
      Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(a.lastModifiedTime(), a.lastAccessTime(), null);
      if (!a.isSymbolicLink()) {
        Files.setAttribute(target, "posix:permissions", Files.getAttribute(source, "posix:permissions", link));
      }
    }
  }
}
