package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/** Removing trees without ever following a symlink. */
final class FileTrees {
  private FileTrees() {}

  /** Removes {@code path} and, if it is a real directory, everything below it; no error if absent. */
  static void removeTree(Path path) throws IOException {
    Optional<FileStat> st = Posix.get().lstatIfExists(path);
    if (st.isEmpty()) {
      return;
    }
    if (st.get().isDirectory()) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
        for (Path child : ds) {
          removeTree(child);
        }
      } catch (NoSuchFileException gone) {
        return;
      }
    }
    Files.deleteIfExists(path);
  }
}
