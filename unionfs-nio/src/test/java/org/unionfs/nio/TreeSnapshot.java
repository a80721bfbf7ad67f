package org.unionfs.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tree as {@code Files} sees it, one line per entry: type, permissions, owner, size and content of
 * files, symlink targets, user xattrs and link counts; read through any provider, so a union and a
 * plain directory can be compared.
 */
final class TreeSnapshot {
  private TreeSnapshot() {}

  static String of(Path root) throws IOException {
    TreeMap<String, String> lines = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        lines.put("/" + root.relativize(p).toString(), describe(p));
      }
    }
    StringBuilder sb = new StringBuilder();
    lines.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
    return sb.toString();
  }

  static String describe(Path p) throws IOException {
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    StringBuilder sb = new StringBuilder();
    sb.append(a.isDirectory() ? "dir" : a.isSymbolicLink() ? "link" : a.isRegularFile() ? "file" : "other");
    if (!a.isSymbolicLink()) {
      sb.append(' ').append(PosixFilePermissions.toString(a.permissions()));
    }
    sb.append(' ').append(a.owner().getName()).append(':').append(a.group().getName());
    if (a.isRegularFile()) {
      sb.append(" size=").append(a.size()).append(" '")
          .append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).append('\'');
      sb.append(" nlink=").append(Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
    }
    if (a.isSymbolicLink()) {
      sb.append(" -> ").append(Files.readSymbolicLink(p));
    } else {
      UserDefinedFileAttributeView x = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
      List<String> names = new ArrayList<>(x.list());
      names.sort(null);
      for (String n : names) {
        ByteBuffer b = ByteBuffer.allocate(x.size(n));
        x.read(n, b);
        sb.append(" user.").append(n).append('=').append(new String(b.array(), StandardCharsets.ISO_8859_1));
      }
    }
    return sb.toString();
  }
}
