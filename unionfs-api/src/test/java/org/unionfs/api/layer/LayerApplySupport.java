package org.unionfs.api.layer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.unionfs.api.fs.TreeSnapshot;

/** Test support for the layer-tar engine: a tar builder on top of {@link TarWriter}, and snapshots. */
final class LayerApplySupport {
  private LayerApplySupport() {}

  /** Builds a tar in memory, member by member. */
  static final class Tar {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarWriter w = new TarWriter(bytes);
    long mtime = 1_700_000_000L;

    Tar dir(String name, int mode) throws IOException {
      return header(name.endsWith("/") ? name : name + "/", TarEntry.DIR, mode, 0, "", null, Map.of());
    }

    Tar file(String name, int mode, String content) throws IOException {
      return file(name, mode, content, Map.of());
    }

    Tar file(String name, int mode, String content, Map<String, byte[]> xattrs) throws IOException {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      return header(name, TarEntry.REG, mode, data.length, "", data, xattrs);
    }

    Tar symlink(String name, String target) throws IOException {
      return header(name, TarEntry.SYMLINK, 0777, 0, target, null, Map.of());
    }

    Tar link(String name, String target) throws IOException {
      return header(name, TarEntry.LINK, 0644, 0, target, null, Map.of());
    }

    Tar whiteout(String name) throws IOException {
      return header(name, TarEntry.REG, 0, 0, "", null, Map.of());
    }

    Tar device(String name, byte type, int major, int minor) throws IOException {
      TarEntry e = entry(name, type, 0644, 0, "", Map.of());
      e.devMajor = major;
      e.devMinor = minor;
      w.writeHeader(e, e.mode);
      return this;
    }

    /** A member with every field given. */
    Tar header(String name, byte type, int mode, long size, String link, byte[] data,
        Map<String, byte[]> xattrs) throws IOException {
      TarEntry e = entry(name, type, mode, size, link, xattrs);
      w.writeHeader(e, mode);
      if (data != null) {
        w.writeData(data);
      }
      return this;
    }

    /** A raw member: owner, times set by the caller. */
    Tar raw(TarEntry e, byte[] data) throws IOException {
      w.writeHeader(e, e.mode);
      if (data != null) {
        w.writeData(data);
      }
      return this;
    }

    TarEntry entry(String name, byte type, int mode, long size, String link, Map<String, byte[]> xattrs) {
      TarEntry e = new TarEntry();
      e.reset();
      e.name = name;
      e.type = type;
      e.mode = mode;
      e.size = size;
      e.linkName = link;
      e.mtimeSec = mtime;
      e.xattrs.putAll(xattrs);
      return e;
    }

    byte[] bytes() throws IOException {
      w.finish();
      return bytes.toByteArray();
    }

    ByteArrayInputStream stream() throws IOException {
      return new ByteArrayInputStream(bytes());
    }
  }

  static Tar tar() {
    return new Tar();
  }

  /** Snapshot without atimes (reading moves them). */
  static TreeSnapshot snap(Path root) throws IOException {
    return TreeSnapshot.of(root).withoutAtimes();
  }

  /** The relative paths of a tree, sorted, the root left out. */
  static List<String> paths(Path root) throws IOException {
    return new ArrayList<>(snap(root).entries().keySet()).subList(1, snap(root).entries().size());
  }
}
