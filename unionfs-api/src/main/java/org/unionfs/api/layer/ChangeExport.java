package org.unionfs.api.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.unionfs.api.Change;
import org.unionfs.api.ChangeKind;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * moby's {@code ExportChanges} and {@code ChangesSize} (pkg/archive/changes.go).
 *
 * <p>The tar holds the changes sorted by path: a deletion as the whiteout {@code <dir>/.wh.<name>}
 * (typeflag 0, mode 0, owner 0:0, size 0), anything else as its entry read from the layer. Unlike
 * moby, whiteouts carry mtime 0 instead of the time of the export, so that the same trees give the same
 * bytes; and every xattr is exported, not only {@code security.capability} (as containers/storage and
 * umoci do, and as {@link TreeExport} does for native diffs): a naive and a native diff of the same
 * layer then carry the same entries, and a diff applied onto a copy of the parent gives the layer back.
 * overlayfs's own xattrs ({@code trusted.overlay.*}, {@code user.overlay.*}) are never exported.
 * Which paths are changed is still moby's rule: an xattr other than {@code security.capability} does
 * not make a file changed.
 */
final class ChangeExport {
  private ChangeExport() {}

  static void write(Path layer, List<Change> changes, OutputStream out) throws IOException {
    List<Change> sorted = new ArrayList<>(changes);
    sorted.sort(Change.BY_PATH);
    Posix px = Posix.get();
    TarWriter tar = new TarWriter(out);
    EntryHeaders headers = new EntryHeaders(tar, ChangeExport::exported, false);
    for (Change c : sorted) {
      String rel = relative(c);
      if (c.kind() == ChangeKind.DELETE) {
        headers.whiteout(Names.join(Names.parent(rel), Whiteouts.PREFIX + Names.base(rel)), 0, 0, 0, 0);
        continue;
      }
      Path p = layer.resolve(rel);
      Optional<FileStat> st = px.lstatIfExists(p);
      if (st.isEmpty()) {
        throw new NoSuchFileException(p.toString(), null, "export changes: changed path vanished");
      }
      headers.write(p, st.get(), rel, true);
    }
    tar.finish();
  }

  private static boolean exported(String xattr) {
    return !xattr.startsWith("trusted.overlay.") && !xattr.startsWith("user.overlay.");
  }

  /**
   * The bytes {@link LayerTar#apply} of the exported changes returns: the sizes of the added and
   * modified regular files, each inode once. (moby also adds symlink target lengths; that made its
   * DiffSize disagree with ApplyDiff, which the contract here forbids.)
   */
  static long size(Path layer, List<Change> changes) throws IOException {
    Posix px = Posix.get();
    long size = 0;
    Map<Long, Set<Long>> seen = new HashMap<>();
    for (Change c : changes) {
      if (c.kind() == ChangeKind.DELETE) {
        continue;
      }
      Optional<FileStat> st = px.lstatIfExists(layer.resolve(relative(c)));
      if (st.isEmpty() || !st.get().isRegularFile()) {
        continue;
      }
      FileStat s = st.get();
      if (s.nlink() > 1 && !seen.computeIfAbsent(s.dev(), d -> new HashSet<>()).add(s.ino())) {
        continue;
      }
      size += s.size();
    }
    return size;
  }

  /** The change's path without the leading '/', refusing anything that would leave the layer. */
  private static String relative(Change c) throws InvalidArgumentException {
    String rel = Names.clean(c.path(), "change " + c);
    if (rel.isEmpty()) {
      throw new InvalidArgumentException("export changes: the root cannot be a change: " + c);
    }
    return rel;
  }
}
