package org.unionfs.api.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * Native diff of a driver's own layer directory ({@link LayerTar#writeTree}) and moby's
 * {@code directory.Size} ({@link LayerTar#treeSize}).
 *
 * <p>The walk is depth first, a directory before its children, the children of each directory in byte
 * order of their on-disk names (moby's {@code TarWithOptions} order); the root itself is not a member.
 * Whiteouts are converted per format:
 * <ul>
 *   <li>overlay: a character device 0/0, or an empty regular file with {@code <prefix>overlay.whiteout},
 *       becomes {@code <dir>/.wh.<name>} (typeflag 0, mode 0600, its owner and mtime); a directory with
 *       {@code <prefix>overlay.opaque=y} is followed by {@code <dir>/.wh..wh..opq} (mode = the
 *       directory's permission bits, its owner, mtime 0). Overlay's own xattrs are never exported.
 *   <li>aufs: {@code .wh.} files are written as they are (never as hardlinks, although aufs links them
 *       all to one inode); the bookkeeping at the top ({@code .wh..wh.aufs}, {@code .wh..wh.plnk},
 *       {@code .wh..wh.orph}) is left out.
 *   <li>delete: a plain tree.
 * </ul>
 * Every other xattr is exported (as containers/storage and umoci do), so that a native diff carries the
 * layer exactly; the apply journal is never exported.
 */
final class TreeExport {
  private final Posix px = Posix.get();
  private final WhiteoutFormat format;
  private final EntryHeaders headers;
  private final String ownPrefix;

  private TreeExport(WhiteoutFormat format, TarWriter tar) {
    this.format = format;
    this.ownPrefix = format instanceof Whiteouts.Overlay o ? o.xattrPrefix() + "overlay." : null;
    this.headers = new EntryHeaders(tar, this::exported, false);
  }

  static void write(Path dir, WhiteoutFormat format, OutputStream out) throws IOException {
    TarWriter tar = new TarWriter(out);
    TreeExport t = new TreeExport(format, tar);
    t.walk(dir, "");
    tar.finish();
  }

  private boolean exported(String xattr) {
    return !xattr.startsWith("trusted.overlay.") && (ownPrefix == null || !xattr.startsWith(ownPrefix));
  }

  private void walk(Path dir, String rel) throws IOException {
    for (String name : sortedNames(dir)) {
      if (rel.isEmpty() && skipAtTop(name)) {
        continue;
      }
      Path p = dir.resolve(name);
      Optional<FileStat> ost = px.lstatIfExists(p);
      if (ost.isEmpty()) {
        continue;
      }
      FileStat st = ost.get();
      String childRel = Names.join(rel, name);
      if (format.kind() == WhiteoutFormat.Kind.OVERLAY && isOverlayWhiteout(p, st)) {
        headers.whiteout(Names.join(rel, Whiteouts.PREFIX + name), 0600, st.uid() & 0xffffffffL,
            st.gid() & 0xffffffffL, st.mtimeSec());
        continue;
      }
      boolean aufsWhiteout = format.kind() == WhiteoutFormat.Kind.AUFS && name.startsWith(Whiteouts.PREFIX);
      headers.write(p, st, childRel, !aufsWhiteout);
      if (st.isDirectory()) {
        if (format instanceof Whiteouts.Overlay o && isOpaque(p, o)) {
          headers.whiteout(Names.join(childRel, Whiteouts.OPAQUE), st.permissions(),
              st.uid() & 0xffffffffL, st.gid() & 0xffffffffL, 0);
        }
        walk(p, childRel);
      }
    }
  }

  private boolean skipAtTop(String name) {
    if (name.equals(ApplyJournal.DIR_NAME)) {
      return true;
    }
    return format.kind() == WhiteoutFormat.Kind.AUFS && name.startsWith(Whiteouts.META_PREFIX)
        && !name.equals(Whiteouts.OPAQUE);
  }

  private boolean isOverlayWhiteout(Path p, FileStat st) throws IOException {
    if (st.isOverlayWhiteout()) {
      return true;
    }
    if (st.isRegularFile() && st.size() == 0) {
      String prefix = ((Whiteouts.Overlay) format).xattrPrefix();
      return px.getXattr(p, prefix + "overlay.whiteout").isPresent();
    }
    return false;
  }

  private boolean isOpaque(Path p, Whiteouts.Overlay o) throws IOException {
    return px.getXattr(p, o.opaqueXattr()).map(v -> Arrays.equals(v, new byte[] {'y'})).orElse(false);
  }

  /** moby's {@code directory.Size}: non-directories with a size, each inode once. */
  static long size(Path dir) throws IOException {
    Posix px = Posix.get();
    Map<Long, Set<Long>> seen = new HashMap<>();
    long[] total = {0};
    sizeWalk(px, dir, true, seen, total);
    return total[0];
  }

  private static void sizeWalk(Posix px, Path dir, boolean top, Map<Long, Set<Long>> seen,
      long[] total) throws IOException {
    for (String name : sortedNames(dir)) {
      if (top && name.equals(ApplyJournal.DIR_NAME)) {
        continue;
      }
      Path p = dir.resolve(name);
      Optional<FileStat> ost = px.lstatIfExists(p);
      if (ost.isEmpty()) {
        continue;
      }
      FileStat st = ost.get();
      if (st.isDirectory()) {
        sizeWalk(px, p, false, seen, total);
      } else if (st.size() > 0 && seen.computeIfAbsent(st.dev(), d -> new HashSet<>()).add(st.ino())) {
        total[0] += st.size();
      }
    }
  }

  /** Names in byte order of their UTF-8 encoding (Go's sort of the names read from the directory). */
  static List<String> sortedNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    }
    names.sort(Names::compareUtf8);
    return names;
  }
}
