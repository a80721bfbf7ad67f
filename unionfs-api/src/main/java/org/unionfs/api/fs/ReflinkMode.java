package org.unionfs.api.fs;

/** Whether a copy may share blocks with its source through reflink clones ({@code FICLONE}). */
public enum ReflinkMode {
  /**
   * Clone where the filesystem supports it, copy elsewhere. The choice is made once per copy, on its first
   * non-empty regular file, so a filesystem without clones costs one refused call per tree.
   */
  AUTO,
  /** Always copy the bytes (what {@code cp --reflink=never} does). */
  NEVER,
  /** Clone or fail with an error, as {@code cp --reflink=always}. */
  ALWAYS
}
