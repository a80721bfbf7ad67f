package org.unionfs.driver.aufs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.ProtoDriver;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * The views the naive diff walks when the driver's views are {@code union:} paths
 * ({@code aufs.mountmode=nio}): the layer-tar engine works through system calls on real paths, so get
 * copies the union view into a scratch directory of the home ({@code .diff-view-<id>-...}, deleted by
 * the matching put, or by recovery after a crash) with everything a diff compares: modes, owners,
 * nanosecond times, xattrs of every namespace, symlinks, device nodes and hard-link groups. Costs a copy
 * of the layer per naive diff; naive diffs (against anything but the direct parent) are rare.
 */
final class ViewCopies implements ProtoDriver {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final AufsDriver driver;
  private final AufsLayout layout;
  private final AtomicLong nonce = new AtomicLong();
  /** The copies handed out per layer, most recent first (gets and puts nest). */
  private final Map<String, Deque<Path>> copies = new HashMap<>();

  ViewCopies(AufsDriver driver, AufsLayout layout) {
    this.driver = driver;
    this.layout = layout;
  }

  @Override
  public Path get(String id, String mountLabel) throws IOException {
    Path view = driver.get(id, mountLabel);
    if (view.getFileSystem() == FileSystems.getDefault()) {
      synchronized (this) {
        copies.computeIfAbsent(id, k -> new ArrayDeque<>()).push(view);
      }
      return view; // a layer without parents is its own directory
    }
    Path copy = layout.home().resolve(AufsDiffs.SPOOL_PREFIX + "view-" + id + "-"
        + ProcessHandle.current().pid() + "-" + nonce.incrementAndGet());
    try {
      new Copier().copy(view, copy);
    } catch (IOException | RuntimeException e) {
      try {
        FileTrees.deleteTree(copy);
        driver.put(id);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    synchronized (this) {
      copies.computeIfAbsent(id, k -> new ArrayDeque<>()).push(copy);
    }
    return copy;
  }

  @Override
  public void put(String id) throws IOException {
    Path copy;
    synchronized (this) {
      Deque<Path> d = copies.get(id);
      copy = d == null ? null : d.poll();
      if (d != null && d.isEmpty()) {
        copies.remove(id);
      }
    }
    try {
      if (copy != null && !copy.equals(layout.diff(id))) {
        FileTrees.deleteTree(copy);
      }
    } finally {
      driver.put(id);
    }
  }

  /** Copies a view entry by entry, keeping hard links together. */
  private static final class Copier {
    private final Posix px = Posix.get();
    private final Map<Long, Path> byInode = new HashMap<>();

    void copy(Path from, Path to) throws IOException {
      Map<String, Object> a = Files.readAttributes(from, "unix:*", NOFOLLOW);
      int mode = (Integer) a.get("mode");
      int type = mode & FileStat.S_IFMT;
      long ino = ((Number) a.get("ino")).longValue();
      if (type == FileStat.S_IFDIR) {
        Files.createDirectory(to);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(from)) {
          for (Path child : s) {
            copy(child, to.resolve(child.getFileName().toString()));
          }
        }
      } else if (type != FileStat.S_IFLNK && byInode.containsKey(ino)) {
        Files.createLink(to, byInode.get(ino)); // same inode: the link shares every attribute
        return;
      } else if (type == FileStat.S_IFREG) {
        try (InputStream in = Files.newInputStream(from, NOFOLLOW); OutputStream out = Files.newOutputStream(to)) {
          in.transferTo(out);
        }
        byInode.put(ino, to);
      } else if (type == FileStat.S_IFLNK) {
        px.symlink(Files.readSymbolicLink(from).toString(), to);
      } else {
        px.mknod(to, mode, ((Number) a.get("rdev")).longValue());
        byInode.put(ino, to);
      }
      px.lchown(to, (Integer) a.get("uid"), (Integer) a.get("gid"));
      if (type != FileStat.S_IFLNK) {
        px.chmod(to, mode & 07777); // after chown, which clears setuid/setgid
      }
      // last: chown drops security.capability
      for (Map.Entry<String, Object> x : Files.readAttributes(from, "xattr:*", NOFOLLOW).entrySet()) {
        px.setXattr(to, x.getKey(), (byte[]) x.getValue());
      }
      Instant at = ((FileTime) a.get("lastAccessTime")).toInstant();
      Instant mt = ((FileTime) a.get("lastModifiedTime")).toInstant();
      px.setTimes(to, at.getEpochSecond(), at.getNano(), mt.getEpochSecond(), mt.getNano());
    }
  }

  // ---- the rest is the driver's ----

  @Override
  public String name() {
    return driver.name();
  }

  @Override
  public Set<DriverCapability> capabilities() {
    return driver.capabilities();
  }

  @Override
  public void create(String id, String parent, CreateOptions options) throws IOException {
    driver.create(id, parent, options);
  }

  @Override
  public void createReadWrite(String id, String parent, CreateOptions options) throws IOException {
    driver.createReadWrite(id, parent, options);
  }

  @Override
  public void remove(String id) throws IOException {
    driver.remove(id);
  }

  @Override
  public boolean exists(String id) {
    return driver.exists(id);
  }

  @Override
  public DriverStatus status() throws IOException {
    return driver.status();
  }

  @Override
  public Map<String, String> metadata(String id) throws IOException {
    return driver.metadata(id);
  }

  @Override
  public void close() throws IOException {
    driver.close();
  }
}
