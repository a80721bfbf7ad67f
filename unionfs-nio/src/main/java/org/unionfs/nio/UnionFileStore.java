package org.unionfs.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.unionfs.api.posix.StatFs;

/**
 * The one store of a union: its space is that of the read-write branch (of the top branch of a read-only
 * union), from the engine's {@code statfs}.
 */
final class UnionFileStore extends FileStore {
  private final UnionNioFileSystem fs;

  UnionFileStore(UnionNioFileSystem fs) {
    this.fs = fs;
  }

  private StatFs statfs() throws IOException {
    fs.checkOpen();
    return fs.ops().union().statfs("/");
  }

  @Override
  public String name() {
    return fs.name();
  }

  @Override
  public String type() {
    return "union";
  }

  @Override
  public boolean isReadOnly() {
    return fs.isReadOnly();
  }

  @Override
  public long getTotalSpace() throws IOException {
    StatFs s = statfs();
    return s.blocks() * s.blockSize();
  }

  @Override
  public long getUsableSpace() throws IOException {
    StatFs s = statfs();
    return s.blocksAvailable() * s.blockSize();
  }

  @Override
  public long getUnallocatedSpace() throws IOException {
    StatFs s = statfs();
    return s.blocksFree() * s.blockSize();
  }

  @Override
  public long getBlockSize() throws IOException {
    return statfs().blockSize();
  }

  @Override
  public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
    return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
        || type == FileOwnerAttributeView.class || type == UserDefinedFileAttributeView.class;
  }

  @Override
  public boolean supportsFileAttributeView(String name) {
    return UnionAttributes.VIEWS.contains(name);
  }

  @Override
  public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
    return null;
  }

  @Override
  public Object getAttribute(String attribute) throws IOException {
    return switch (attribute) {
      case "totalSpace" -> getTotalSpace();
      case "usableSpace" -> getUsableSpace();
      case "unallocatedSpace" -> getUnallocatedSpace();
      case "bytesPerSector" -> getBlockSize();
      default -> throw new UnsupportedOperationException("'" + attribute + "' not recognized");
    };
  }

  @Override
  public String toString() {
    return fs.name() + " (union)";
  }
}
