package org.unionfs.api.fs;

/**
 * What a copy did.
 *
 * @param entries entries created, the root included (directories, files, links, nodes)
 * @param hardlinks entries created as a hard link to an earlier entry of the same copy
 * @param regularFiles regular files whose data was cloned or copied (hard links excluded)
 * @param clonedFiles regular files that share their blocks with the source (reflink)
 * @param dataBytes the apparent size of the regular files whose data was cloned or copied
 * @param copiedBytes the bytes actually moved (data extents of files that were not cloned)
 */
public record CopyResult(long entries, long hardlinks, long regularFiles, long clonedFiles,
    long dataBytes, long copiedBytes) {

  /** Whether at least one file was cloned rather than copied. */
  public boolean usedReflink() {
    return clonedFiles > 0;
  }
}
