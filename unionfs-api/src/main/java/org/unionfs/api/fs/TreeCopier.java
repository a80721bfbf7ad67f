package org.unionfs.api.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Exact copies of file-system entries and trees, as a vfs layer or a union copy-up needs them.
 *
 * <p>What is kept: the file type; the permission bits with setuid, setgid and sticky; the numeric owner
 * and group; access and modification times to the nanosecond (a directory's after its children, so they
 * survive); every extended attribute of every namespace the caller can read ({@code user.},
 * {@code trusted.}, {@code security.} including {@code security.capability}, POSIX ACLs); symlink targets
 * as they are, never followed; device nodes and fifos (creating device nodes needs root); sockets as
 * socket inodes; holes in sparse files; and, within one {@link #copyTree}, hard links as hard links.
 * The change time cannot be set by anyone and is not kept; neither are inode flags ({@code chattr}) or
 * xfs/ext4 project ids, which moby's copy does not keep either. File names that are not valid UTF-8 cannot
 * be copied (Java 17 decodes names with the locale's charset).
 *
 * <p>Regular-file data is cloned with {@code FICLONE} where the filesystem shares blocks (btrfs, xfs with
 * {@code reflink=1}), so a copy costs metadata only; elsewhere the data extents are copied in the kernel.
 * In {@link ReflinkMode#AUTO} the choice is made once per call on its first non-empty file.
 *
 * <p>Moby's {@code copy.DirCopy} (used by its vfs driver) differs: it copies only
 * {@code security.capability} (and optionally {@code trusted.overlay.opaque}), not the other xattrs,
 * fails on sockets, and does not keep holes.
 *
 * <p>A failed copy leaves what it created so far; callers copy into a temporary directory and rename it
 * into place, and delete it on failure ({@link FileTrees#deleteTree}).
 */
public final class TreeCopier {
  private TreeCopier() {}

  /**
   * Copies the directory {@code src} and everything below it to {@code dst}, cloning where possible.
   *
   * @param dst absent (it is created) or an empty directory (its metadata and xattrs are replaced by the
   *     source root's; useful when it carries a project quota)
   * @throws java.nio.file.FileSystemException if {@code src} is not a directory, {@code dst} is not empty,
   *     or a system call fails; the message names the path
   */
  public static CopyResult copyTree(Path src, Path dst) throws IOException {
    return copyTree(src, dst, ReflinkMode.AUTO);
  }

  /** {@link #copyTree(Path, Path)} with an explicit reflink choice. */
  public static CopyResult copyTree(Path src, Path dst, ReflinkMode mode) throws IOException {
    CopyJob job = new CopyJob(Objects.requireNonNull(mode, "mode"));
    job.copyTree(Objects.requireNonNull(src, "src"), Objects.requireNonNull(dst, "dst"));
    return job.result();
  }

  /**
   * Copies one entry with all of its metadata. A directory becomes an empty directory (its children are
   * not copied); a regular file's data is cloned where the filesystem allows, else copied with its holes.
   *
   * @param dst must not exist; its parent must
   * @throws java.nio.file.FileAlreadyExistsException if {@code dst} exists
   */
  public static CopyResult copyEntry(Path src, Path dst) throws IOException {
    return copyEntry(src, dst, ReflinkMode.AUTO);
  }

  /** {@link #copyEntry(Path, Path)} with an explicit reflink choice. */
  public static CopyResult copyEntry(Path src, Path dst, ReflinkMode mode) throws IOException {
    CopyJob job = new CopyJob(Objects.requireNonNull(mode, "mode"));
    job.copyEntry(Objects.requireNonNull(src, "src"), Objects.requireNonNull(dst, "dst"));
    return job.result();
  }
}
