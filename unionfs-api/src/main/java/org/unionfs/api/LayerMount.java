package org.unionfs.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One reference to an assembled layer, from {@link ProtoDriver#mount}; closing it is the balancing
 * {@link ProtoDriver#put}. Closing twice releases once.
 */
public final class LayerMount implements AutoCloseable {
  private final ProtoDriver driver;
  private final String id;
  private final Path path;
  private final AtomicBoolean closed = new AtomicBoolean();

  LayerMount(ProtoDriver driver, String id, Path path) {
    this.driver = Objects.requireNonNull(driver);
    this.id = Objects.requireNonNull(id);
    this.path = Objects.requireNonNull(path);
  }

  /** The layer id. */
  public String id() {
    return id;
  }

  /** The root of the layer's view. */
  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      driver.put(id);
    }
  }
}
