package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.unionfs.api.LayerIds;

/**
 * Which layers are built on which. Docker's overlay2 keeps no such record (its layer store does), so
 * the driver derives it from Docker's own files: a layer's parent is the layer whose link is the first
 * entry of its {@code lower} file. The index is built by scanning every layer once when the driver
 * opens (so stores written by Docker work too) and kept up to date by create and remove, which hold the
 * locks of the layer and its parent. Thread-safe.
 */
final class ChildIndex {
  private static final Logger LOG = LoggerFactory.getLogger(ChildIndex.class);

  private final Map<String, Set<String>> children = new HashMap<>();
  private final Map<String, String> parents = new HashMap<>();

  /** Scans the layers under the layout's home. */
  static ChildIndex scan(Overlay2Layout layout) throws IOException {
    Map<String, String> idByLink = new HashMap<>();
    Map<String, String> firstLowerLink = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.home())) {
      for (Path dir : dirs) {
        String id = dir.getFileName().toString();
        if (!LayerIds.isValid(id) || !layout.exists(id)) {
          continue; // l/, .creating-*, .removing-*, backingFsBlockDev
        }
        try {
          idByLink.put(layout.readLink(id), id);
          Optional<List<String>> lower = layout.readLower(id);
          lower.ifPresent(l -> firstLowerLink.put(id, Overlay2Layout.linkOf(l.get(0))));
        } catch (IOException e) {
          LOG.warn("overlay2: layer {} ignored by the child index: {}", id, e.getMessage());
        }
      }
    }
    ChildIndex index = new ChildIndex();
    firstLowerLink.forEach((child, link) -> {
      String parent = idByLink.get(link);
      if (parent == null) {
        LOG.warn("overlay2: layer {} names a parent link l/{} that no layer owns", child, link);
      } else {
        index.add(child, parent);
      }
    });
    return index;
  }

  /** Records that {@code child} was created on {@code parent}. */
  synchronized void add(String child, String parent) {
    children.computeIfAbsent(parent, k -> new TreeSet<>()).add(child);
    parents.put(child, parent);
  }

  /** Forgets a removed layer. */
  synchronized void remove(String id) {
    String parent = parents.remove(id);
    if (parent != null) {
      Set<String> siblings = children.get(parent);
      siblings.remove(id);
      if (siblings.isEmpty()) {
        children.remove(parent);
      }
    }
  }

  /** The layers created directly on {@code id}, sorted. */
  synchronized Set<String> childrenOf(String id) {
    return Set.copyOf(children.getOrDefault(id, Set.of()));
  }

  /** The parent of {@code id}, if it has one. */
  synchronized Optional<String> parentOf(String id) {
    return Optional.ofNullable(parents.get(id));
  }
}
