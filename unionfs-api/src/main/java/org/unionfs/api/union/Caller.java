package org.unionfs.api.union;

/**
 * Who creates a new entry: its owner. FUSE passes the caller's uid and gid with every request; the union
 * gives new files, directories, nodes and symlinks this owner (the group of a set-group-ID parent directory
 * wins, as on every Linux filesystem).
 *
 * @param uid owner of new entries, or -1 for the process's own
 * @param gid group of new entries, or -1 for the process's own
 */
public record Caller(int uid, int gid) {
  /** New entries belong to the process that runs the union (no {@code chown}). */
  public static final Caller PROCESS = new Caller(-1, -1);
}
