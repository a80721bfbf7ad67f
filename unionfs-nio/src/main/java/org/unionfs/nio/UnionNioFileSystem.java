package org.unionfs.nio;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.UnionFileSystem;

/**
 * A union of directories as a {@link FileSystem} of scheme {@code union}: one root {@code /}, one
 * {@link FileStore}, Unix path syntax. It owns its {@link UnionFileSystem}: {@link #close()} closes the
 * open channels and directory streams, then the engine (which releases the read-write branch's lock);
 * after that every operation throws {@link ClosedFileSystemException}. Thread-safe.
 */
final class UnionNioFileSystem extends FileSystem {
  /** Device numbers for file keys: distinct per union in this JVM, far from real devices' numbers. */
  private static final AtomicLong DEVICES = new AtomicLong(0x7fff_0000_0000L);

  private final UnionFileSystemProvider provider;
  private final String name;
  private final UnionConfig config;
  private final UnionFileSystem union;
  private final long deviceId = DEVICES.incrementAndGet();
  private final UnionOps ops;
  private final UnionAttributes attributes;
  private final Principals principals = new Principals();
  private final UnionFileStore store;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final Set<Closeable> resources = ConcurrentHashMap.newKeySet();

  UnionNioFileSystem(UnionFileSystemProvider provider, String name, UnionConfig config, UnionFileSystem union) {
    this.provider = provider;
    this.name = name;
    this.config = config;
    this.union = union;
    this.ops = new UnionOps(this, union, ProcessIds.current());
    this.attributes = new UnionAttributes(this);
    this.store = new UnionFileStore(this);
  }

  String name() {
    return name;
  }

  UnionConfig config() {
    return config;
  }

  long deviceId() {
    return deviceId;
  }

  UnionOps ops() {
    return ops;
  }

  UnionAttributes attributes() {
    return attributes;
  }

  Principals principals() {
    return principals;
  }

  UnionFileStore store() {
    return store;
  }

  void checkOpen() {
    if (!open.get()) {
      throw new ClosedFileSystemException();
    }
  }

  void register(Closeable resource) {
    resources.add(resource);
    if (!open.get()) { // closed meanwhile: do not leak the resource
      resources.remove(resource);
      throw new ClosedFileSystemException();
    }
  }

  void unregister(Closeable resource) {
    resources.remove(resource);
  }

  @Override
  public UnionFileSystemProvider provider() {
    return provider;
  }

  /** Closes channels and streams, then the union; idempotent. */
  @Override
  public void close() throws IOException {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    IOException first = null;
    for (Closeable c : new ArrayList<>(resources)) {
      try {
        c.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    resources.clear();
    try {
      union.close();
    } catch (IOException e) {
      if (first != null) {
        e.addSuppressed(first);
      }
      first = e;
    } finally {
      provider.forget(this);
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public boolean isOpen() {
    return open.get();
  }

  /** Whether the union has no read-write branch. */
  @Override
  public boolean isReadOnly() {
    return !config.writable();
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    checkOpen();
    return List.of(getPath("/"));
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    checkOpen();
    return List.of(store);
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return UnionAttributes.VIEWS;
  }

  @Override
  public UnionPath getPath(String first, String... more) {
    return UnionPath.parse(this, first, more);
  }

  /** {@code glob:} and {@code regex:} as the default provider's (the path syntax is the same). */
  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
    return path -> path instanceof UnionPath && m.matches(Path.of(path.toString()));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return principals;
  }

  /** Not supported: a union has no change notification. */
  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("the union file system has no watch service");
  }

  @Override
  public String toString() {
    return UnionFileSystemProvider.SCHEME + ":" + name + " " + config.branches();
  }
}
