/**
 * The overlay2 graphdriver: Docker's overlay2, file for file, over the kernel's overlayfs.
 *
 * <p>On-disk layout (home = {@code <root>/overlay2}, mode 0710), exactly as moby 20.10 writes it:
 * <pre>
 * home/
 *   l/                          0700  short names, so 128 lower layers fit in one mount(2) page
 *     &lt;LINK&gt; -&gt; ../&lt;id&gt;/diff    LINK = 26 characters of base32 (A-Z, 2-7) from 17 random bytes
 *   &lt;id&gt;/                       0710  one per layer (xfs project quota set here for {@code size})
 *     diff/                     0755  the layer's own files: the upper directory of its mount; deletions
 *                                     are character devices 0/0, opaque directories carry
 *                                     trusted.overlay.opaque=y
 *     link                      0644  its LINK, no newline
 *     lower                     0644  only with a parent: "l/&lt;LINK&gt;:l/&lt;LINK&gt;:...", nearest parent
 *                                     first, base last, at most 128 entries (option up to 500)
 *     work/                     0700  only with a parent: overlayfs's work directory
 *     merged/                   0700  only while mounted: the layer's view
 *     committed                 0600  empty; written into a layer when a child is created on it: from
 *                                     then on it mounts read-only (lowerdir=own diff:lowers)
 *   .creating-&lt;id&gt;-&lt;rnd&gt;/         a layer being built (renamed to &lt;id&gt; when whole)
 *   .removing-&lt;id&gt;-&lt;rnd&gt;/         a layer being deleted (renamed away first)
 * </pre>
 * The two dot-directories never start with a character a layer id may start with, and exist only
 * during a create or remove (or after a crash, until the next open removes them); Docker ignores them.
 *
 * <p>A layer without parent is its {@code diff/} (get mounts nothing). Any other layer is mounted on
 * {@code merged/} by get and unmounted lazily by the last put; mounts are described by
 * {@link org.unionfs.driver.overlay2.OverlayMounts} (a pure function) and performed by a
 * {@link org.unionfs.driver.overlay2.Mounter}. Host facts (index=off, userxattr, native diff, metacopy,
 * d_type, page size) are probed once per driver ({@link org.unionfs.driver.overlay2.OverlaySupport}).
 *
 * <p>Only {@link org.unionfs.driver.overlay2.Overlay2DriverProvider} is public; open drivers through
 * it or the registry.
 */
package org.unionfs.driver.overlay2;
