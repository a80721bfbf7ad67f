package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/** A full-fidelity tree copy for the test driver: types, modes, owners, xattrs, ns mtimes, hardlinks. */
final class TreeCopy {
  private final Posix posix = Posix.get();
  private final Map<String, Path> inodes = new HashMap<>();

  static void copy(Path src, Path dst) throws IOException {
    new TreeCopy().copyEntry(src, dst);
  }

  private void copyEntry(Path src, Path dst) throws IOException {
    FileStat st = posix.lstat(src);
    if (st.isDirectory()) {
      if (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(dst);
      }
      try (DirectoryStream<Path> children = Files.newDirectoryStream(src)) {
        for (Path child : children) {
          copyEntry(child, dst.resolve(child.getFileName().toString()));
        }
      }
      finish(src, dst, st);
      return;
    }
    String key = st.dev() + ":" + st.ino();
    if (st.nlink() > 1) {
      Path first = inodes.get(key);
      if (first != null) {
        Files.createLink(dst, first);
        return;
      }
      inodes.put(key, dst);
    }
    if (st.isRegularFile()) {
      Files.copy(src, dst, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING);
    } else if (st.isSymbolicLink()) {
      Files.createSymbolicLink(dst, Files.readSymbolicLink(src));
    } else {
      posix.mknod(dst, st.mode(), st.rdev());
    }
    finish(src, dst, st);
  }

  /** Owner first (chown clears setuid and security.capability), then mode, xattrs, times. */
  private void finish(Path src, Path dst, FileStat st) throws IOException {
    posix.lchown(dst, st.uid(), st.gid());
    if (!st.isSymbolicLink()) {
      // Without NOFOLLOW_LINKS the JDK calls chmod(2); with it, it opens the file, which blocks on a fifo.
      Files.setAttribute(dst, "unix:mode", st.permissions());
    }
    for (String name : posix.listXattrs(src)) {
      byte[] value = posix.getXattr(src, name).orElse(null);
      if (value != null) {
        posix.setXattr(dst, name, value);
      }
    }
    posix.setTimes(dst, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec());
  }
}
