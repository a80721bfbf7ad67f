package org.unionfs.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The diff side of a graphdriver, moby's {@code DiffDriver}: layers in and out as OCI/Docker layer tars.
 *
 * <p>{@code parent} is the layer to compare against, usually the direct parent; null compares against an
 * empty tree (everything is added).
 */
public interface DiffDriver {

  /**
   * Streams an uncompressed layer tar of the changes of {@code id} against {@code parent}: added and
   * modified entries in full, deletions as {@code .wh.} whiteouts. Deterministic: the same trees give the
   * same bytes. The caller closes the stream; the layer stays acquired until then.
   */
  InputStream diff(String id, String parent) throws IOException;

  /** The changes of {@code id} against {@code parent}, sorted by path ({@link Change#BY_PATH}). */
  List<Change> changes(String id, String parent) throws IOException;

  /**
   * Applies a layer tar (plain, gzip or zstd, detected by its first bytes) to layer {@code id}, with
   * OCI "applied, not extracted" semantics. A failed apply leaves the layer as it was.
   *
   * @return the sum of the sizes of the regular files in the tar
   * @throws org.unionfs.api.error.InvalidArgumentException if the tar is malformed or would write outside
   *     the layer; the message names the entry
   */
  long applyDiff(String id, String parent, InputStream tar) throws IOException;

  /** The size {@link #applyDiff} would return for {@link #diff} of the same layers. */
  long diffSize(String id, String parent) throws IOException;
}
