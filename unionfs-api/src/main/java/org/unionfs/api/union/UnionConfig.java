package org.unionfs.api.union;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a union is put together: its branches, top first, and the policies of the read-write branch.
 *
 * @param branches the branches, top first; at most one read-write branch, and only as the first one. With no
 *     read-write branch the union is read-only and every change throws
 *     {@link java.nio.file.ReadOnlyFileSystemException}
 * @param whiteoutFormat how the union marks deletions and opaque directories in the read-write branch (lower
 *     branches are always read in both formats)
 * @param directoryRename what {@code rename} does with a directory that has content in a lower branch
 * @param root whether the caller of the union has root powers: device nodes, {@code chown} to other owners,
 *     and {@code trusted.*} xattrs need it. Without it the overlay opaque marker is written as
 *     {@code user.overlay.opaque}
 */
public record UnionConfig(
    List<Branch> branches, WhiteoutFormat whiteoutFormat, DirectoryRename directoryRename, boolean root) {

  /**
   * A sanity limit on the number of branches. Docker stacks at most 128 layers (moby's {@code maxDepth}); the
   * engine itself has no fixed limit.
   */
  public static final int MAX_BRANCHES = 1024;

  public UnionConfig {
    Objects.requireNonNull(whiteoutFormat, "whiteoutFormat");
    Objects.requireNonNull(directoryRename, "directoryRename");
    branches = List.copyOf(Objects.requireNonNull(branches, "branches"));
    if (branches.isEmpty()) {
      throw new IllegalArgumentException("a union needs at least one branch");
    }
    if (branches.size() > MAX_BRANCHES) {
      throw new IllegalArgumentException("too many branches: " + branches.size() + " > " + MAX_BRANCHES);
    }
    for (int i = 1; i < branches.size(); i++) {
      if (branches.get(i).writable()) {
        throw new IllegalArgumentException(
            "only the first branch may be read-write: " + branches.get(i).path());
      }
    }
    for (int i = 0; i < branches.size(); i++) {
      for (int j = 0; j < branches.size(); j++) {
        Path a = branches.get(i).path();
        Path b = branches.get(j).path();
        if (i != j && a.startsWith(b)) {
          // overlayfs refuses overlapping layers too: one branch would see the other's markers as content
          throw new IllegalArgumentException(a.equals(b) ? "branch given twice: " + a
              : "branch " + a + " lies inside branch " + b);
        }
      }
    }
  }

  /**
   * The usual union: {@code upper} read-write over {@code lowers} (top first), aufs whiteouts, directories
   * copied up on rename, root powers if the process has uid 0.
   */
  public static UnionConfig of(Path upper, List<Path> lowers) {
    List<Branch> all = new java.util.ArrayList<>();
    all.add(Branch.readWrite(upper));
    lowers.forEach(p -> all.add(Branch.readOnly(p)));
    return new UnionConfig(all, WhiteoutFormat.AUFS, DirectoryRename.COPY_UP, processIsRoot());
  }

  /** A copy with another whiteout format. */
  public UnionConfig withWhiteoutFormat(WhiteoutFormat format) {
    return new UnionConfig(branches, format, directoryRename, root);
  }

  /** A copy with another directory-rename policy. */
  public UnionConfig withDirectoryRename(DirectoryRename policy) {
    return new UnionConfig(branches, whiteoutFormat, policy, root);
  }

  /** Whether the first branch is read-write. */
  public boolean writable() {
    return branches.get(0).writable();
  }

  /** Whether this process runs with uid 0 (read from {@code /proc/self/status}; false if unknown). */
  public static boolean processIsRoot() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective uid
        }
      }
    } catch (java.io.IOException e) {
      return false;
    }
    return false;
  }

  /**
   * One branch of the union.
   *
   * @param path an existing directory
   * @param writable true for the read-write branch
   */
  public record Branch(Path path, boolean writable) {
    public Branch {
      Objects.requireNonNull(path, "path");
      if (path.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
        // the engine works through Linux system calls on real paths (whiteout devices, xattrs, inodes)
        throw new IllegalArgumentException("branch not on the default file system: " + path.toUri());
      }
      path = path.toAbsolutePath().normalize();
    }

    public static Branch readWrite(Path path) {
      return new Branch(path, true);
    }

    public static Branch readOnly(Path path) {
      return new Branch(path, false);
    }
  }

  /** The format of the deletion and opaque markers the union writes into its read-write branch. */
  public enum WhiteoutFormat {
    /**
     * aufs: an empty file {@code .wh.<name>} hides {@code <name>} below; {@code .wh..wh..opq} inside a directory
     * hides all lower content. The layers of the aufs and vfs graphdrivers, and of Docker tars, look like this.
     */
    AUFS,
    /**
     * overlayfs: a character device 0/0 named {@code <name>} hides it below; the xattr
     * {@code trusted.overlay.opaque=y} ({@code user.overlay.opaque=y} without root) marks an opaque directory.
     */
    OVERLAY
  }

  /** What {@code rename} does with a directory that exists (also) in a lower branch. */
  public enum DirectoryRename {
    /** Copy the whole merged directory up, then rename it (aufs). Costs time proportional to its content. */
    COPY_UP,
    /**
     * Refuse with {@link java.nio.file.AtomicMoveNotSupportedException} (EXDEV), as overlayfs without
     * {@code redirect_dir}; {@code mv} then copies and deletes by itself.
     */
    EXDEV
  }
}
