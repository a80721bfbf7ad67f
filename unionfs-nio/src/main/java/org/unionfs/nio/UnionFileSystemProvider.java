package org.unionfs.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.UnionFileSystem;

/**
 * The {@code union} scheme: unions of directories (the union engine of {@code unionfs-api}) as
 * {@link FileSystem}s, registered in {@code META-INF/services}. A thin dispatcher, as jimfs's provider:
 * it checks paths and hands the work to the file system's {@link UnionOps}, {@link UnionAttributes} and
 * {@link CopyMove}.
 *
 * <pre>
 *   FileSystem fs = FileSystems.newFileSystem(URI.create("union:/my/union"),
 *       Map.of("branches", List.of(upper + "=rw", lower + "=ro")));
 *   Files.writeString(fs.getPath("/etc/hosts"), "127.0.0.1 localhost\n");   // copies up, writes upper
 *   fs.close();                                                               // releases the upper
 * </pre>
 *
 * <p>URIs: {@code union:<name>} names a file system ({@code <name>} an absolute path-like key such as
 * {@code /my/union}, without {@code !}); {@code union:<name>!<path>} a path in it. See {@link UnionEnv}
 * for the environment keys.
 */
public final class UnionFileSystemProvider extends FileSystemProvider {
  /** The URI scheme. */
  public static final String SCHEME = "union";
  /** Separates the file system's name from the path in a path URI. */
  static final String SEPARATOR = "!";

  private final Map<String, UnionNioFileSystem> open = new ConcurrentHashMap<>();

  /** Public for {@link java.util.ServiceLoader}; use {@link #instance()} in code. */
  public UnionFileSystemProvider() {}

  /** The installed provider of scheme {@code union} (this class's own instance if not installed). */
  public static UnionFileSystemProvider instance() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final UnionFileSystemProvider INSTANCE = find();

    private static UnionFileSystemProvider find() {
      for (FileSystemProvider p : FileSystemProvider.installedProviders()) {
        if (p instanceof UnionFileSystemProvider u) {
          return u;
        }
      }
      return new UnionFileSystemProvider();
    }
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** The file system name of a {@code union:} URI, checked. */
  private static String nameOf(URI uri, boolean allowPath) {
    Objects.requireNonNull(uri, "uri");
    if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("URI scheme is not '" + SCHEME + "': " + uri);
    }
    if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
      throw new IllegalArgumentException("a union URI is union:/<name>, absolute and hierarchical: " + uri);
    }
    if (uri.getRawAuthority() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("a union URI has no authority, query or fragment: " + uri);
    }
    String path = uri.getPath();
    int bang = path.indexOf(SEPARATOR);
    if (bang >= 0 && !allowPath) {
      throw new IllegalArgumentException("a union file system's name has no '" + SEPARATOR + "': " + uri);
    }
    String name = bang < 0 ? path : path.substring(0, bang);
    if (name.length() < 2) {
      throw new IllegalArgumentException("a union URI needs a name after 'union:/': " + uri);
    }
    return name;
  }

  /** Opens a union named by {@code uri} with the branches and options of {@code env} (see {@link UnionEnv}). */
  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
    String name = nameOf(uri, false);
    return newFileSystem(name, UnionEnv.parse(Objects.requireNonNull(env, "env")));
  }

  /**
   * Opens a union whose read-write branch is the directory {@code path} over {@code env}'s
   * {@code lowers}; {@link UnsupportedOperationException} (so that {@code FileSystems.newFileSystem(Path)}
   * tries the next provider) unless {@code env} has the key {@code lowers}.
   */
  @Override
  public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
    Objects.requireNonNull(path, "path");
    if (env == null || !env.containsKey(UnionEnv.LOWERS)) {
      throw new UnsupportedOperationException("a union over a directory needs the env key '"
          + UnionEnv.LOWERS + "' (a possibly empty list of lower directories)");
    }
    UnionConfig config = UnionEnv.parse(path, env);
    return newFileSystem(config.branches().get(0).path().toString(), config);
  }

  /** Opens a union under {@code name}; the engine is closed again if the name is taken. */
  UnionNioFileSystem newFileSystem(String name, UnionConfig config) throws IOException {
    if (name.contains(SEPARATOR) || !name.startsWith("/")) {
      throw new IllegalArgumentException("a union file system's name starts with '/' and has no '"
          + SEPARATOR + "': " + name);
    }
    if (open.containsKey(name)) {
      throw new FileSystemAlreadyExistsException(SCHEME + ":" + name);
    }
    UnionFileSystem union = UnionFileSystem.open(config);
    UnionNioFileSystem fs = new UnionNioFileSystem(this, name, config, union);
    if (open.putIfAbsent(name, fs) != null) {
      union.close();
      throw new FileSystemAlreadyExistsException(SCHEME + ":" + name);
    }
    return fs;
  }

  void forget(UnionNioFileSystem fs) {
    open.remove(fs.name(), fs);
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    String name = nameOf(uri, false);
    UnionNioFileSystem fs = open.get(name);
    if (fs == null) {
      throw new FileSystemNotFoundException(SCHEME + ":" + name);
    }
    return fs;
  }

  /** The path of {@code union:<name>!<path>} ({@code union:<name>} alone is the root). */
  @Override
  public Path getPath(URI uri) {
    String name = nameOf(uri, true);
    UnionNioFileSystem fs = open.get(name);
    if (fs == null) {
      throw new FileSystemNotFoundException(SCHEME + ":" + name);
    }
    String rest = uri.getPath().substring(name.length());
    if (rest.isEmpty()) {
      return fs.getPath("/");
    }
    String path = rest.substring(SEPARATOR.length());
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("the path in a union URI is absolute: " + uri);
    }
    return fs.getPath(path);
  }

  private static UnionPath check(Path path) {
    UnionPath p = UnionPath.check(path);
    p.getFileSystem().checkOpen();
    return p;
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    UnionPath p = check(path);
    return p.getFileSystem().ops().newFileChannel(p, options, attrs);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    UnionPath p = check(dir);
    return p.getFileSystem().ops().newDirectoryStream(p, Objects.requireNonNull(filter, "filter"));
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    UnionPath p = check(dir);
    p.getFileSystem().ops().createDirectory(p, attrs);
  }

  @Override
  public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
    UnionPath p = check(link);
    p.getFileSystem().ops().createSymbolicLink(p, UnionPath.check(target), attrs);
  }

  @Override
  public void createLink(Path link, Path existing) throws IOException {
    UnionPath p = check(link);
    UnionPath e = check(existing);
    if (e.getFileSystem() != p.getFileSystem()) {
      throw new java.nio.file.FileSystemException(link.toString(), existing.toString(),
          "a hard link cannot cross union file systems");
    }
    p.getFileSystem().ops().createLink(p, e);
  }

  @Override
  public Path readSymbolicLink(Path link) throws IOException {
    UnionPath p = check(link);
    return p.getFileSystem().ops().readSymbolicLink(p);
  }

  @Override
  public void delete(Path path) throws IOException {
    UnionPath p = check(path);
    p.getFileSystem().ops().delete(p);
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    CopyMove.copy(check(source), check(target), Options.Copy.of(options));
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    CopyMove.move(check(source), check(target), Options.Copy.of(options));
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    UnionPath a = check(path);
    if (!(path2 instanceof UnionPath b) || b.getFileSystem() != a.getFileSystem()) {
      return false;
    }
    return a.getFileSystem().ops().isSameFile(a, b);
  }

  /** Names starting with a dot, as on every Unix. */
  @Override
  public boolean isHidden(Path path) {
    UnionPath p = check(path);
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    UnionPath p = check(path);
    p.getFileSystem().ops().stat(p, true);
    return p.getFileSystem().store();
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    UnionPath p = check(path);
    p.getFileSystem().ops().checkAccess(p, modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    UnionPath p = check(path);
    return UnionAttributeViews.of(p.getFileSystem(), p, Objects.requireNonNull(type, "type"),
        !Options.noFollow(options));
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
      throws IOException {
    UnionPath p = check(path);
    return p.getFileSystem().attributes().read(p, Objects.requireNonNull(type, "type"), !Options.noFollow(options));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
      throws IOException {
    UnionPath p = check(path);
    return p.getFileSystem().attributes().read(p, attributes, !Options.noFollow(options));
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    UnionPath p = check(path);
    p.getFileSystem().attributes().set(p, attribute, value, !Options.noFollow(options));
  }
}
