/**
 * {@code fuse-mount.jar}: the command line of the FUSE union mount ({@link
 * org.unionfs.cli.fusemount.FuseMountMain}), in the form of the old kernel unionfs
 * ({@code dirs=/upper=rw:/lower=ro /mnt}), and the mount of a graphdriver layer.
 */
package org.unionfs.cli.fusemount;
