package org.unionfs.api.layer;

/**
 * How a layer directory records deletions: the one strategy the layer-tar engine asks about when it
 * applies a {@code .wh.} entry (see {@link LayerTar#apply}) and when it reads a driver's own layer
 * directory back into a tar ({@link LayerTar#writeTree}).
 *
 * <p>Three implementations exist, one per family of drivers:
 * <ul>
 *   <li>{@link #DELETE} (vfs and every naive driver): a whiteout deletes the lower entry for real; an opaque
 *       marker deletes every lower child of the directory. Nothing of the whiteout stays on disk.
 *   <li>{@link #AUFS}: the whiteout stays on disk as the empty regular file {@code .wh.<name>}, the opaque
 *       marker as {@code .wh..wh..opq}, exactly as they were in the tar (aufs reads them itself).
 *   <li>{@link #overlay(String)}: a whiteout becomes a character device 0/0 named {@code <name>}, an opaque
 *       directory gets the xattr {@code <prefix>overlay.opaque=y} ({@code trusted.} for the kernel as root,
 *       {@code user.} for rootless overlay).
 * </ul>
 *
 * <p>The interface is sealed: the engine implements the three behaviours itself and only dispatches on
 * the {@link Kind}.
 */
public sealed interface WhiteoutFormat permits Whiteouts.Delete, Whiteouts.Aufs, Whiteouts.Overlay {

  /** Whiteouts remove lower entries for real (vfs and naive drivers). */
  WhiteoutFormat DELETE = Whiteouts.Delete.INSTANCE;

  /** Whiteouts stay as aufs {@code .wh.} files. */
  WhiteoutFormat AUFS = Whiteouts.Aufs.INSTANCE;

  /** Overlayfs whiteouts for the kernel as root ({@code trusted.overlay.opaque}). */
  WhiteoutFormat OVERLAY = overlay("trusted.");

  /**
   * Overlayfs whiteouts: character device 0/0 and {@code <xattrPrefix>overlay.opaque=y}.
   *
   * @param xattrPrefix {@code "trusted."} or {@code "user."}
   * @throws IllegalArgumentException for any other prefix
   */
  static WhiteoutFormat overlay(String xattrPrefix) {
    return Whiteouts.Overlay.of(xattrPrefix);
  }

  /** Which of the three behaviours this is. */
  Kind kind();

  /** The three families of on-disk whiteouts. */
  enum Kind {
    DELETE, AUFS, OVERLAY
  }
}
