package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.nio.UnionFileSystems;

/**
 * Layer views as in-process union file systems ({@code aufs.mountmode=nio}): get returns the root of a
 * {@code union:} file system over the layer's branches; put closes it, which releases the layer's
 * branch. Nothing is mounted, so nothing needs root and nothing outlives the driver.
 */
final class AufsNioViews implements LayerViews {
  private final Map<String, FileSystem> live = new ConcurrentHashMap<>();

  @Override
  public void mount(String id, UnionConfig branches, Path mnt) throws IOException {
    if (live.containsKey(id)) {
      throw new IllegalStateException("aufs: layer " + id + " has a view already");
    }
    live.put(id, UnionFileSystems.open(branches));
  }

  @Override
  public Path path(String id, Path mnt) {
    FileSystem fs = live.get(id);
    if (fs == null) {
      throw new IllegalStateException("aufs: layer " + id + " has no view");
    }
    return fs.getPath("/");
  }

  @Override
  public void unmount(String id) throws IOException {
    FileSystem fs = live.remove(id);
    if (fs != null) {
      fs.close();
    }
  }

  @Override
  public boolean isMounted(String id) {
    return live.containsKey(id);
  }

  @Override
  public void unmountAll() throws IOException {
    List<String> ids = new ArrayList<>(live.keySet());
    IOException first = null;
    for (String id : ids) {
      try {
        unmount(id);
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
