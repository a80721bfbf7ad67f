package org.unionfs.api.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/** Whole-tree operations that never follow symlinks. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Deletes {@code root} and everything below it, never following a symlink. A directory without write
   * permission is made owner-writable first (needed when not running as root). Nothing there is fine.
   */
  public static void deleteTree(Path root) throws IOException {
    var st = Posix.get().lstatIfExists(root);
    if (st.isEmpty()) {
      return;
    }
    delete(root, st.get());
  }

  private static void delete(Path path, FileStat st) throws IOException {
    if (st.isDirectory()) {
      if ((st.mode() & 0700) != 0700) {
        chmodOwnerRwx(path, st);
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        for (Path child : ds) {
          var cst = Posix.get().lstatIfExists(child);
          if (cst.isPresent()) {
            delete(child, cst.get());
          }
        }
      }
    }
    try {
      Files.delete(path);
    } catch (NoSuchFileException e) {
      // removed concurrently: the goal is reached
    } catch (AccessDeniedException e) {
      Path parent = path.getParent();
      if (parent == null) {
        throw e;
      }
      chmodOwnerRwx(parent, Posix.get().lstat(parent));
      Files.delete(path);
    }
  }

  private static void chmodOwnerRwx(Path dir, FileStat st) throws IOException {
    FsNative nat = FsNative.get();
    nat.check(nat.libc.chmod(dir.toString(), (st.permissions() | 0700)), "chmod", dir);
  }
}
