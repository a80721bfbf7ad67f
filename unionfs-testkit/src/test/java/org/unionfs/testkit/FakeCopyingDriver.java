package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.LayerIds;
import org.unionfs.api.ProtoDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.error.NotSupportedException;

/**
 * A tiny copying driver over plain directories (vfs-like), so that the suite is run and kept honest
 * without any real driver: {@code <home>/dir/<id>} holds the tree, {@code <home>/parent/<id>} the
 * parent's id. Every method is synchronized: simple, and still correct for the concurrency checks.
 */
final class FakeCopyingDriver implements ProtoDriver {
  private final Path home;
  private final Map<String, Integer> refs = new HashMap<>();

  FakeCopyingDriver(Path home) throws IOException {
    this.home = home;
    Files.createDirectories(home.resolve("dir"));
    Files.createDirectories(home.resolve("parent"));
  }

  @Override
  public String name() {
    return "fake-copy";
  }

  @Override
  public Set<DriverCapability> capabilities() {
    return EnumSet.of(DriverCapability.XATTRS, DriverCapability.RENAME_DIRECTORY_FROM_LOWER,
        DriverCapability.HARDLINKS_ACROSS_LAYERS);
  }

  @Override
  public void create(String id, String parent, CreateOptions options) throws IOException {
    createReadWrite(id, parent, options);
  }

  @Override
  public synchronized void createReadWrite(String id, String parent, CreateOptions options)
      throws IOException {
    LayerIds.require(id);
    parent = LayerIds.requireParent(parent);
    for (String key : options.storageOptions().keySet()) {
      if (key.equals("size")) {
        throw new NotSupportedException("create " + id + ": option size: no quota support");
      }
      throw new InvalidArgumentException("create " + id + ": unknown storage option \"" + key + "\"");
    }
    if (exists(id)) {
      throw new LayerExistsException("layer " + id + " already exists");
    }
    if (parent != null && !exists(parent)) {
      throw new LayerNotFoundException("parent layer " + parent + " of " + id + " does not exist");
    }
    Path tmp = home.resolve("dir").resolve(".tmp-" + id);
    if (parent != null) {
      TreeCopy.copy(dir(parent), tmp);
    } else {
      Files.createDirectory(tmp);
      Files.setAttribute(tmp, "unix:mode", 0755);
    }
    Files.writeString(home.resolve("parent").resolve(id), parent == null ? "" : parent);
    Files.move(tmp, dir(id));
  }

  @Override
  public synchronized void remove(String id) throws IOException {
    requireExisting(id);
    if (refs.getOrDefault(id, 0) > 0) {
      throw new LayerInUseException("layer " + id + " is mounted");
    }
    try (Stream<Path> s = Files.list(home.resolve("parent"))) {
      for (Path p : s.toList()) {
        if (Files.readString(p).equals(id)) {
          throw new LayerInUseException("layer " + id + " has child " + p.getFileName());
        }
      }
    }
    Path doomed = home.resolve("dir").resolve(".rm-" + id);
    Files.move(dir(id), doomed);
    Files.delete(home.resolve("parent").resolve(id));
    try (Stream<Path> s = Files.walk(doomed)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Override
  public boolean exists(String id) {
    return LayerIds.isValid(id) && Files.isDirectory(dir(id));
  }

  @Override
  public synchronized Path get(String id, String mountLabel) throws IOException {
    requireExisting(id);
    refs.merge(id, 1, Integer::sum);
    return dir(id);
  }

  @Override
  public synchronized void put(String id) throws IOException {
    requireExisting(id);
    int n = refs.getOrDefault(id, 0);
    if (n == 0) {
      throw new InvalidArgumentException("put " + id + ": layer holds no reference");
    }
    refs.put(id, n - 1);
  }

  @Override
  public DriverStatus status() {
    return DriverStatus.builder().add("Backing Filesystem", "test").build();
  }

  @Override
  public synchronized Map<String, String> metadata(String id) throws IOException {
    requireExisting(id);
    return Map.of("Path", dir(id).toString());
  }

  @Override
  public synchronized void close() {
    refs.clear();
  }

  private Path dir(String id) {
    return home.resolve("dir").resolve(id);
  }

  private void requireExisting(String id) throws IOException {
    LayerIds.require(id);
    if (!exists(id)) {
      throw new LayerNotFoundException("layer " + id + " does not exist");
    }
  }
}
