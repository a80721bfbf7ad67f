package org.unionfs.cli;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small layer tars built in memory, and tars read back into comparable summaries. */
final class LayerTars {
  private static final long MTIME = 1_700_000_000L; // whole seconds: what a tar carries

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

  LayerTars() {
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  LayerTars dir(String name) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    e.setMode(040755);
    e.setModTime(MTIME * 1000);
    return put(e, null);
  }

  LayerTars file(String name, String content) {
    return file(name, content, 0644);
  }

  LayerTars file(String name, String content, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    e.setSize(data.length);
    e.setMode(0100000 | mode);
    e.setModTime(MTIME * 1000);
    return put(e, data);
  }

  LayerTars symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    e.setLinkName(target);
    e.setMode(0120777);
    e.setModTime(MTIME * 1000);
    return put(e, null);
  }

  /** A whiteout for {@code path} ("dir/name" becomes "dir/.wh.name"). */
  LayerTars whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String wh = path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    return file(wh, "");
  }

  /** An opaque marker: every lower entry of {@code dir} is hidden. */
  LayerTars opaque(String dir) {
    return file(dir + "/.wh..wh..opq", "");
  }

  private LayerTars put(TarArchiveEntry e, byte[] data) {
    try {
      tar.putArchiveEntry(e);
      if (data != null) {
        tar.write(data);
      }
      tar.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The uncompressed tar. */
  byte[] plain() {
    try {
      tar.finish();
      tar.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  /**
   * Every entry of a tar as "name type mode uid:gid size sha256/target", by name: what two exports must
   * agree on (mtimes included at tar precision).
   */
  static TreeMap<String, String> summary(byte[] tarBytes) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tarBytes))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        String name = e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
        if (name.isEmpty() || name.equals(".")) {
          continue; // the root: its metadata belongs to the driver, not the layer
        }
        String what;
        if (e.isSymbolicLink()) {
          what = "symlink -> " + e.getLinkName();
        } else if (e.isLink()) {
          what = "hardlink -> " + e.getLinkName();
        } else if (e.isDirectory()) {
          what = "dir";
        } else {
          what = "file " + e.getSize() + " " + sha256(in.readAllBytes());
        }
        out.put(name, what + String.format(" %o %d:%d mtime=%d", e.getMode() & 07777, e.getLongUserId(),
            e.getLongGroupId(), e.getModTime().getTime() / 1000));
      }
    }
    return out;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
