/**
 * The graphdriver contract: moby's {@code ProtoDriver} ({@link org.unionfs.api.ProtoDriver}) and
 * {@code DiffDriver} ({@link org.unionfs.api.DiffDriver}), joined in {@link org.unionfs.api.GraphDriver}.
 *
 * <p>Glossary. A <em>layer</em> is a directory tree with an id and at most one <em>parent</em>; its
 * <em>view</em> is the parent's view plus its own changes. A <em>read-write layer</em> (container layer)
 * is written through its view; an image layer is filled by applyDiff and then read. A union of layers has
 * <em>lower</em> (read-only) and <em>upper</em> (read-write) branches, a <em>work</em> directory
 * (overlayfs's scratch space) and a <em>merged</em> view. A <em>whiteout</em> records that a lower entry
 * was deleted; an <em>opaque directory</em> hides every lower entry below it. A <em>mount label</em> is an
 * SELinux context for a mount.
 */
package org.unionfs.api;
