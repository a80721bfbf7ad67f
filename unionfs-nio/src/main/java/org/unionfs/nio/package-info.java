/**
 * An in-process union {@link java.nio.file.FileSystem} (URI scheme {@code union}) over the union engine of
 * {@code org.unionfs.api.union}: a Java program reads and writes a union of directories, or a layer of any
 * driver, with {@code java.nio.file.Files} and no FUSE, no root and no mount.
 */
package org.unionfs.nio;
