package org.unionfs.api.diff;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.ProtoDriver;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;

/**
 * Adds the diff side to any {@link ProtoDriver} by assembling layers with {@link ProtoDriver#get} and
 * walking them, as moby's {@code NaiveDiffDriver} ({@code daemon/graphdriver/fsdiff.go}) does.
 *
 * <ul>
 *   <li>{@link #diff}: with a parent, {@code changes} of the two views exported as a tar (deletions as
 *       whiteouts); without one, the whole view as a plain tar.
 *   <li>{@link #changes}: the views of the layer and its parent compared ({@link LayerTar#changes}).
 *   <li>{@link #applyDiff}: the tar applied onto the layer's view, whiteouts deleting for real.
 *   <li>{@link #diffSize}: {@link LayerTar#changesSize} of the changes.
 * </ul>
 *
 * <p>Moby sleeps before a naive diff so that mtimes in the same second differ; this class does not:
 * change detection compares mtimes as moby does, and the exported tar carries whole seconds, so a
 * round trip is exact at tar precision.
 *
 * <p>Every {@code get} is balanced by a {@code put}; the stream {@link #diff} returns holds the layer
 * until it is closed.
 */
public final class NaiveDiffDriver implements GraphDriver {
  private final ProtoDriver proto;

  private NaiveDiffDriver(ProtoDriver proto) {
    this.proto = Objects.requireNonNull(proto, "proto");
  }

  /** Wraps {@code proto}; a driver that already is a {@link GraphDriver} is wrapped all the same. */
  public static GraphDriver wrap(ProtoDriver proto) {
    return new NaiveDiffDriver(proto);
  }

  /** The wrapped driver. */
  public ProtoDriver delegate() {
    return proto;
  }

  // ---- diff side ----

  @Override
  public InputStream diff(String id, String parent) throws IOException {
    Path layer = proto.get(id, "");
    try {
      // The tar is produced into a spooled pipe by a writer thread so that the caller streams it
      // without the whole layer ever being in memory; the layer stays acquired until close.
      TarPipe pipe;
      if (parent == null || parent.isEmpty()) {
        pipe = TarPipe.start("diff " + id, out -> LayerTar.writeTree(layer, WhiteoutFormat.DELETE, out));
      } else {
        List<Change> changes = changesOf(id, layer, parent);
        pipe = TarPipe.start("diff " + id, out -> LayerTar.writeChanges(layer, changes, out));
      }
      return new ReleasingStream(pipe, () -> proto.put(id));
    } catch (IOException | RuntimeException | Error e) {
      putQuietly(id, e);
      throw e;
    }
  }

  @Override
  public List<Change> changes(String id, String parent) throws IOException {
    Path layer = proto.get(id, "");
    try {
      return changesOf(id, layer, parent);
    } finally {
      proto.put(id);
    }
  }

  /** Changes of the already acquired {@code layer} against {@code parent} (acquired here). */
  private List<Change> changesOf(String id, Path layer, String parent) throws IOException {
    if (parent == null || parent.isEmpty()) {
      return LayerTar.changes(layer, null);
    }
    Path parentPath = proto.get(parent, "");
    try {
      return LayerTar.changes(layer, parentPath);
    } finally {
      proto.put(parent);
    }
  }

  @Override
  public long applyDiff(String id, String parent, InputStream tar) throws IOException {
    Objects.requireNonNull(tar, "tar");
    Path layer = proto.get(id, "");
    try {
      return LayerTar.apply(layer, tar, WhiteoutFormat.DELETE);
    } finally {
      proto.put(id);
    }
  }

  @Override
  public long diffSize(String id, String parent) throws IOException {
    Path layer = proto.get(id, "");
    try {
      List<Change> changes = changesOf(id, layer, parent);
      return LayerTar.changesSize(layer, changes);
    } finally {
      proto.put(id);
    }
  }

  private void putQuietly(String id, Throwable primary) {
    try {
      proto.put(id);
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }

  // ---- lifecycle: delegated ----

  @Override
  public String name() {
    return proto.name();
  }

  @Override
  public Set<DriverCapability> capabilities() {
    // Naive diffs are never native, whatever the wrapped driver claims.
    Set<DriverCapability> caps = EnumSet.noneOf(DriverCapability.class);
    caps.addAll(proto.capabilities());
    caps.remove(DriverCapability.NATIVE_DIFF);
    return Set.copyOf(caps);
  }

  @Override
  public void create(String id, String parent, CreateOptions options) throws IOException {
    proto.create(id, parent, options);
  }

  @Override
  public void createReadWrite(String id, String parent, CreateOptions options) throws IOException {
    proto.createReadWrite(id, parent, options);
  }

  @Override
  public void remove(String id) throws IOException {
    proto.remove(id);
  }

  @Override
  public boolean exists(String id) {
    return proto.exists(id);
  }

  @Override
  public Path get(String id, String mountLabel) throws IOException {
    return proto.get(id, mountLabel);
  }

  @Override
  public void put(String id) throws IOException {
    proto.put(id);
  }

  @Override
  public DriverStatus status() throws IOException {
    return proto.status();
  }

  @Override
  public Map<String, String> metadata(String id) throws IOException {
    return proto.metadata(id);
  }

  @Override
  public void close() throws IOException {
    try {
      proto.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("close " + proto.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "NaiveDiffDriver(" + proto.name() + ")";
  }

  /** An action that releases a resource. */
  @FunctionalInterface
  interface Release {
    void run() throws IOException;
  }

  /** A stream that runs {@code release} once, after the underlying stream is closed. */
  static final class ReleasingStream extends FilterInputStream {
    private final Release release;
    private final AtomicBoolean closed = new AtomicBoolean();

    ReleasingStream(InputStream in, Release release) {
      super(in);
      this.release = release;
    }

    @Override
    public void close() throws IOException {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      try {
        super.close();
      } finally {
        release.run();
      }
    }
  }

  /** Writes a tar to an {@link OutputStream}. */
  @FunctionalInterface
  interface TarWriter {
    void write(OutputStream out) throws IOException;
  }
}
