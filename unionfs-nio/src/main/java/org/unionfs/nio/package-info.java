/**
 * An in-process union {@link java.nio.file.FileSystem} (URI scheme {@code union}) over the union engine of
 * {@code org.unionfs.api.union}: a Java program reads and writes a union of directories, or a layer of any
 * driver, with {@code java.nio.file.Files} and no FUSE, no root and no mount.
 *
 * <p>Entry points: {@link org.unionfs.nio.UnionFileSystemProvider} (registered in {@code META-INF/services},
 * so {@code FileSystems.newFileSystem(URI.create("union:/name"), env)} finds it) and
 * {@link org.unionfs.nio.UnionFileSystems} ({@code open(UnionConfig)}, {@code openLayer(home, driver, id,
 * writable)}). The layout follows jimfs: the provider dispatches; {@code UnionOps} (resolution, creation,
 * channels, listings), {@code CopyMove} and {@code UnionAttributes} hold the semantics; {@code UnionPath},
 * {@code UnionFileChannel}, {@code UnionDirectoryStream} and {@code UnionFileStore} are the NIO objects.
 *
 * <p>The engine never follows symlinks (FUSE leaves that to the kernel), so {@code UnionOps.realPath}
 * resolves every symlink on a path before the engine sees it, as the kernel would. See
 * {@code docs/nio.md} for the environment keys, what is supported and how this differs from a FUSE mount.
 */
package org.unionfs.nio;
