package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.List;

/**
 * One filesystem operation of a {@link Fixture}, by absolute-style path ("/etc/hosts") inside a root,
 * as continuity's {@code fstest} appliers. Operations never follow symlinks in the last component.
 *
 * <p>{@link #touched} names the entries whose mtime the kernel sets when the operation runs; the
 * fixture stamps them with a fixed time afterwards, so that two trees built by the same operations
 * at different moments end up identical, mtimes included.
 */
public sealed interface FsOp {

  /** Runs the operation on the tree under {@code root}. */
  void apply(Path root) throws IOException;

  /** Paths whose mtime this operation changes (to be stamped), possibly not existing any more. */
  List<String> touched();

  /** {@code path} resolved under {@code root}. */
  static Path at(Path root, String path) {
    return path.equals("/") ? root : root.resolve(path.substring(1));
  }

  /** The parent of an absolute-style path ("/" for top-level entries). */
  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** Sets mode bits including setuid, setgid and sticky (the JDK's {@code unix:mode} is chmod). */
  static void chmod(Path p, int mode) throws IOException {
    Files.setAttribute(p, "unix:mode", mode);
  }

  /** mkdir, then chmod so that the umask does not matter. */
  record CreateDir(String path, int mode) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Path p = at(root, path);
      Files.createDirectory(p);
      chmod(p, mode);
    }

    @Override
    public List<String> touched() {
      return List.of(path, parentOf(path));
    }

    @Override
    public String toString() {
      return "CreateDir[" + path + ", " + Integer.toOctalString(mode) + "]";
    }
  }

  /** Creates or truncates and writes a regular file (never through a symlink), then chmods it. */
  record WriteFile(String path, byte[] content, int mode) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Path p = at(root, path);
      Files.write(p, content, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      chmod(p, mode);
    }

    @Override
    public List<String> touched() {
      return List.of(path, parentOf(path));
    }

    @Override
    public String toString() {
      return "WriteFile[" + path + ", " + content.length + " bytes, " + Integer.toOctalString(mode) + "]";
    }
  }

  /** Appends to an existing regular file. */
  record Append(String path, byte[] content) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Files.write(at(root, path), content, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public List<String> touched() {
      return List.of(path);
    }

    @Override
    public String toString() {
      return "Append[" + path + ", " + content.length + " bytes]";
    }
  }

  /** Removes a path and everything under it ({@code rm -rf}); nothing if absent. */
  record RemoveAll(String path) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Path p = at(root, path);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          if (exc != null) {
            throw exc;
          }
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    }

    @Override
    public List<String> touched() {
      return List.of(parentOf(path));
    }
  }

  /** {@code rename(2)}: replaces an existing target file or empty directory. */
  record Rename(String from, String to) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Files.move(at(root, from), at(root, to), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public List<String> touched() {
      // A moved directory's ".." changes; some filesystems update its times, so stamp it too.
      return List.of(parentOf(from), parentOf(to), to);
    }
  }

  /** chmod (never on a symlink: chmod follows links). */
  record Chmod(String path, int mode) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      chmod(at(root, path), mode);
    }

    @Override
    public List<String> touched() {
      return List.of();
    }

    @Override
    public String toString() {
      return "Chmod[" + path + ", " + Integer.toOctalString(mode) + "]";
    }
  }

  /** lchown. */
  record Chown(String path, int uid, int gid) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      PathOps.lchown(at(root, path), uid, gid);
    }

    @Override
    public List<String> touched() {
      return List.of();
    }
  }

  /** Sets atime and mtime explicitly (never through a symlink). */
  record SetTimes(String path, long sec, long nsec) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      PathOps.setTimes(at(root, path), sec, nsec, sec, nsec);
    }

    @Override
    public List<String> touched() {
      return List.of();
    }
  }

  /** Creates a symlink; the target is stored as given and may dangle. */
  record Symlink(String path, String target) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Files.createSymbolicLink(at(root, path), root.getFileSystem().getPath(target));
    }

    @Override
    public List<String> touched() {
      return List.of(path, parentOf(path));
    }
  }

  /** Creates a hardlink {@code path} to the existing {@code existing}. */
  record Link(String path, String existing) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Files.createLink(at(root, path), at(root, existing));
    }

    @Override
    public List<String> touched() {
      return List.of(parentOf(path));
    }
  }

  /** Sets an extended attribute (on the entry itself). */
  record SetXattr(String path, String name, byte[] value) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      PathOps.setXattr(at(root, path), name, value);
    }

    @Override
    public List<String> touched() {
      return List.of();
    }

    @Override
    public String toString() {
      return "SetXattr[" + path + ", " + name + "=" + HexFormat.of().formatHex(value) + "]";
    }
  }

  /** Removes an extended attribute. */
  record RemoveXattr(String path, String name) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      PathOps.removeXattr(at(root, path), name);
    }

    @Override
    public List<String> touched() {
      return List.of();
    }
  }

  /** mknod: a fifo or a device node; {@code mode} includes the type bits. */
  record Mknod(String path, int mode, long rdev) implements FsOp {
    @Override
    public void apply(Path root) throws IOException {
      Path p = at(root, path);
      PathOps.mknod(p, mode, rdev);
      chmod(p, mode & 07777);
    }

    @Override
    public List<String> touched() {
      return List.of(path, parentOf(path));
    }

    @Override
    public String toString() {
      return "Mknod[" + path + ", " + Integer.toOctalString(mode) + ", rdev " + rdev + "]";
    }
  }
}
