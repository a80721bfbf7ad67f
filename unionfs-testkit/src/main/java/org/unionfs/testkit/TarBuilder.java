package org.unionfs.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.attribute.FileTime;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.unionfs.api.posix.FileStat;

/**
 * Writes small layer tars for applyDiff checks: PAX format, numeric owners, explicit modes and
 * whole-second mtimes; {@code .wh.} whiteouts and {@code .wh..wh..opq} opaque markers as plain entries.
 */
public final class TarBuilder {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;
  private final int uid;
  private final int gid;
  private long regularBytes;

  /** A tar whose entries are owned by {@code uid:gid}. */
  public TarBuilder(int uid, int gid) {
    this.uid = uid;
    this.gid = gid;
    tar = new TarArchiveOutputStream(bytes);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  private TarArchiveEntry entry(String name, byte type, int mode, long mtime) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setMode(mode);
    e.setUserId(uid);
    e.setGroupId(gid);
    e.setModTime(FileTime.fromMillis(mtime * 1000));
    return e;
  }

  private TarBuilder put(TarArchiveEntry e, byte[] content) {
    try {
      e.setSize(content.length);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** A directory entry ("name/"). */
  public TarBuilder dir(String name, int perms, long mtime) {
    return put(entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR,
        FileStat.S_IFDIR | perms, mtime), new byte[0]);
  }

  /** A regular file. */
  public TarBuilder file(String name, byte[] content, int perms, long mtime) {
    regularBytes += content.length;
    return put(entry(name, TarConstants.LF_NORMAL, FileStat.S_IFREG | perms, mtime), content);
  }

  /** A regular file with one extended attribute ({@code SCHILY.xattr.<name>}). */
  public TarBuilder file(String name, byte[] content, int perms, long mtime, String xattr,
      String value) {
    regularBytes += content.length;
    TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, FileStat.S_IFREG | perms, mtime);
    e.addPaxHeader("SCHILY.xattr." + xattr, value);
    return put(e, content);
  }

  /** A symlink. */
  public TarBuilder symlink(String name, String target, long mtime) {
    TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, FileStat.S_IFLNK | 0777, mtime);
    e.setLinkName(target);
    return put(e, new byte[0]);
  }

  /** A hardlink to an earlier entry. */
  public TarBuilder hardlink(String name, String target, long mtime) {
    TarArchiveEntry e = entry(name, TarConstants.LF_LINK, FileStat.S_IFREG | 0644, mtime);
    e.setLinkName(target);
    return put(e, new byte[0]);
  }

  /** A fifo. */
  public TarBuilder fifo(String name, int perms, long mtime) {
    return put(entry(name, TarConstants.LF_FIFO, FileStat.S_IFIFO | perms, mtime), new byte[0]);
  }

  /** A whiteout hiding {@code dir/name} of the layers below: {@code dir/.wh.name}. */
  public TarBuilder whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String name = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    return put(entry(name, TarConstants.LF_NORMAL, FileStat.S_IFREG, 0), new byte[0]);
  }

  /** An opaque marker hiding every lower child of {@code dir}. */
  public TarBuilder opaque(String dir) {
    return put(entry(dir + "/.wh..wh..opq", TarConstants.LF_NORMAL, FileStat.S_IFREG, 0), new byte[0]);
  }

  /** The sum of the regular files' sizes: what applyDiff must return. */
  public long regularBytes() {
    return regularBytes;
  }

  /** Finishes the tar and returns its bytes. */
  public byte[] build() {
    try {
      tar.finish();
      tar.close();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stream of {@code tar}. */
  public static InputStream stream(byte[] tar) {
    return new ByteArrayInputStream(tar);
  }

  /** {@code tar} compressed with gzip. */
  public static byte[] gzip(byte[] tar) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
