package org.unionfs.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The layer lifecycle of a graphdriver, moby's {@code ProtoDriver}: create, get, put, remove.
 *
 * <p>A <em>layer</em> is a directory tree identified by an id. It has at most one <em>parent</em>, and
 * its view is the parent's view plus its own changes. Image layers ({@link #create}) are filled once by
 * {@link DiffDriver#applyDiff} and then only read; container layers ({@link #createReadWrite}) are
 * written through the path {@link #get} returns.
 *
 * <pre>
 *   driver.create("base", null, CreateOptions.NONE);
 *   driver.applyDiff("base", null, layerTar);
 *   driver.createReadWrite("ctr", "base", CreateOptions.NONE);
 *   try (LayerMount m = driver.mount("ctr", "")) {
 *     Files.writeString(m.path().resolve("hello"), "world");
 *   }                                   // the same as driver.put("ctr")
 *   driver.remove("ctr");
 * </pre>
 *
 * <p>Thread safety: every method may be called from any thread. Calls on different layers run in
 * parallel; calls on the same layer are serialised. {@link #get} and {@link #put} are reference
 * counted: the first get assembles (mounts) the layer, every get returns the same path, and only the
 * put that balances the last get releases it.
 *
 * <p>Layer ids are 1 to 255 characters of {@code [A-Za-z0-9_.-]}, not starting with '.' or '-'
 * (see {@link LayerIds}); anything else is refused with {@code InvalidArgumentException}.
 */
public interface ProtoDriver extends AutoCloseable {

  /** The driver's registered name: "vfs", "overlay2", "aufs" or "devicemapper". */
  String name();

  /** What this driver can do beyond the common contract. */
  Set<DriverCapability> capabilities();

  /**
   * Creates an image (read-only) layer.
   *
   * @param parent the parent layer, or null for a layer that starts empty
   * @throws org.unionfs.api.error.LayerExistsException if {@code id} exists
   * @throws org.unionfs.api.error.LayerNotFoundException if {@code parent} does not exist
   * @throws org.unionfs.api.error.InvalidArgumentException for a bad id or an unknown storage option
   * @throws org.unionfs.api.error.NotSupportedException for a storage option the host cannot honour
   */
  void create(String id, String parent, CreateOptions options) throws IOException;

  /** Creates a container (read-write) layer; otherwise as {@link #create}. */
  void createReadWrite(String id, String parent, CreateOptions options) throws IOException;

  /**
   * Removes a layer and everything it holds. A failed remove leaves the layer whole or gone, never
   * half-removed in a way that {@link #exists} would still report.
   *
   * @throws org.unionfs.api.error.LayerNotFoundException if it does not exist
   * @throws org.unionfs.api.error.LayerInUseException if it has children or is mounted
   */
  void remove(String id) throws IOException;

  /** Whether the layer exists. Never throws for a well-formed id; a malformed id does not exist. */
  boolean exists(String id);

  /**
   * Assembles the layer's view and returns its root, incrementing the layer's reference count.
   *
   * @param mountLabel an SELinux mount label, or ""
   * @return an absolute path that stays valid until the balancing {@link #put}
   * @throws org.unionfs.api.error.LayerNotFoundException if it does not exist
   */
  Path get(String id, String mountLabel) throws IOException;

  /**
   * Releases one reference taken by {@link #get}; the last one unmounts.
   *
   * @throws org.unionfs.api.error.LayerNotFoundException if the layer does not exist
   * @throws org.unionfs.api.error.InvalidArgumentException if the layer holds no reference
   */
  void put(String id) throws IOException;

  /**
   * {@link #get} as a handle whose {@link LayerMount#close()} is the balancing {@link #put}.
   */
  default LayerMount mount(String id, String mountLabel) throws IOException {
    Path path = get(id, mountLabel);
    return new LayerMount(this, id, path);
  }

  /** The status pairs {@code docker info} prints for this driver, in order. */
  DriverStatus status() throws IOException;

  /**
   * Driver-specific facts about a layer ({@code GraphDriver.Data} in {@code docker inspect}).
   *
   * @throws org.unionfs.api.error.LayerNotFoundException if it does not exist
   */
  Map<String, String> metadata(String id) throws IOException;

  /** Releases every mount and resource; idempotent. Layers stay on disk. */
  @Override
  void close() throws IOException;
}
