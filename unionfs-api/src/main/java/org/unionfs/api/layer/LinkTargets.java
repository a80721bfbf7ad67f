package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Hardlink targets of an apply: an existing non-directory of the layer reached without symlinks, or a
 * file of the tar's aufs pseudo-link directory ({@code .wh..wh.plnk/}), which is kept in the journal's
 * scratch space (removed with the journal) and never becomes content of its own.
 */
final class LinkTargets {
  private final Path root;
  private final ApplyJournal journal;
  private final EntryMeta meta;
  private final Posix px = Posix.get();
  private final Map<String, Path> pseudoLinks = new HashMap<>();

  LinkTargets(Path root, ApplyJournal journal, EntryMeta meta) {
    this.root = root;
    this.journal = journal;
    this.meta = meta;
  }

  /**
   * The path a hardlink member links to.
   *
   * @param target the cleaned link name
   * @param verified directories known to be real (no symlink on the way)
   */
  Path resolve(String target, TarEntry e, Set<String> verified) throws IOException {
    if (target.isEmpty()) {
      throw new InvalidArgumentException("layer tar: " + e.describe() + ": hardlink to the layer root");
    }
    if (target.startsWith(Whiteouts.META_PREFIX)) {
      Path pseudo = pseudoLinks.get(target);
      if (pseudo == null) {
        throw new InvalidArgumentException("layer tar: " + e.describe() + ": hardlink target '"
            + target + "' is not in the layer");
      }
      return pseudo;
    }
    String parent = Names.parent(target);
    if (!verified.contains(parent)) {
      String cur = "";
      for (String part : parent.isEmpty() ? new String[0] : parent.split("/")) {
        cur = Names.join(cur, part);
        Optional<FileStat> st = px.lstatIfExists(root.resolve(cur));
        if (st.isEmpty() || !st.get().isDirectory()) {
          throw new InvalidArgumentException("layer tar: " + e.describe() + ": hardlink target '"
              + target + "' is not in the layer (through '" + cur + "')");
        }
      }
    }
    Path p = root.resolve(target);
    Optional<FileStat> st = px.lstatIfExists(p);
    if (st.isEmpty()) {
      throw new InvalidArgumentException("layer tar: " + e.describe() + ": hardlink target '" + target
          + "' is not in the layer");
    }
    if (st.get().isDirectory()) {
      throw new InvalidArgumentException("layer tar: " + e.describe() + ": hardlink to a directory");
    }
    return p;
  }

  /** Keeps the regular member {@code rel} under {@code .wh..wh.plnk/} as a possible link target. */
  void keep(String rel, TarEntry e, TarReader reader) throws IOException {
    Path p = journal.scratch().resolve(Integer.toString(pseudoLinks.size()));
    try (FileChannel ch = FileWriters.create(p, e.mode)) {
      reader.copyData(ch);
    }
    meta.apply(p, e, e.mode & 0777);
    pseudoLinks.put(rel, p);
  }
}
