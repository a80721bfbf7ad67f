/**
 * The layers of the graphdrivers as union branches ({@link org.unionfs.api.union.layers.LayerBranches}),
 * read from each driver's on-disk layout, so that any driver's layer can be opened through the union
 * engine: mounted with FUSE ({@code fuse-mount --driver}) or in-process as a {@code java.nio} file
 * system ({@code unionfs-nio}):
 * <pre>
 * vfs        &lt;home&gt;/dir/&lt;id&gt;                      one read-write branch (a passthrough)
 * overlay2   &lt;home&gt;/&lt;id&gt;/diff                     read-write; parents from &lt;home&gt;/&lt;id&gt;/lower
 *            &lt;home&gt;/l/&lt;short&gt; -&gt; ../&lt;id&gt;/diff        ("l/A:l/B", top first), overlay whiteouts
 * aufs       &lt;home&gt;/diff/&lt;id&gt;                     read-write; parents from &lt;home&gt;/layers/&lt;id&gt;
 *                                                   (one id a line, nearest first), aufs whiteouts
 * </pre>
 * devicemapper layers are thin block devices holding a filesystem, not directories: they are mounted by
 * their driver, not through the union.
 */
package org.unionfs.api.union.layers;
