package org.unionfs.api.union;

import org.unionfs.api.posix.FileStat;

/**
 * A looked-up union path: the branch holding the visible entry and its {@code lstat}, or absence.
 *
 * @param branch index of the branch whose entry is visible (0 = top), -1 if the path does not exist
 * @param stat the entry's {@code lstat} when looked up (kept for read-only branches, which never change
 *     through the union)
 * @param ino the union inode number
 * @param dirBranches for a directory: the branches whose directory of this name takes part in the merge,
 *     top-down, ending at the first opaque one; null otherwise
 * @param xattrWhiteouts for a directory, parallel to {@code dirBranches}: whether that branch's directory is
 *     marked {@code opaque=x}, so that it may hold overlayfs xattr whiteouts
 */
record Node(String path, int branch, FileStat stat, long ino, int[] dirBranches, boolean[] xattrWhiteouts) {
  static Node absent(String path) {
    return new Node(path, -1, null, 0, null, null);
  }

  boolean exists() {
    return branch >= 0;
  }

  boolean isDirectory() {
    return dirBranches != null;
  }

  /** Whether only this one branch contributes (a directory with nothing merged from below). */
  boolean single() {
    return dirBranches == null || dirBranches.length == 1;
  }
}
