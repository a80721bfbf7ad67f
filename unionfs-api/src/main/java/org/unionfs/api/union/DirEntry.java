package org.unionfs.api.union;

/**
 * One entry of a merged directory listing.
 *
 * @param name the file name (never {@code .wh.*}, never the union's bookkeeping)
 * @param ino the union inode number, the same {@link UnionFileSystem#getattr} reports
 * @param type the {@code S_IF*} type bits of the entry ({@code mode & S_IFMT})
 */
public record DirEntry(String name, long ino, int type) {}
