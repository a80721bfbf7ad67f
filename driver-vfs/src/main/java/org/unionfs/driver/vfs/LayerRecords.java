package org.unionfs.driver.vfs;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.internal.AtomicFiles;

/**
 * The one thing Docker's vfs does not keep and we need: each layer's parent, so that removing a layer
 * with children can be refused. One small properties file per layer, {@code meta/<id>}, written
 * atomically before the layer directory is renamed into {@code dir/}; a record without its directory is
 * the trace of an interrupted create or remove and is dropped on open.
 */
final class LayerRecords {
  /**
   * What is recorded about a layer.
   *
   * @param parent the parent id, or null
   * @param readWrite whether it was made by createReadWrite
   * @param size its size limit in bytes, 0 for none
   */
  record Record(String parent, boolean readWrite, long size) {}

  private final Path metaRoot;

  LayerRecords(Path metaRoot) {
    this.metaRoot = metaRoot;
  }

  Path path(String id) {
    return metaRoot.resolve(id);
  }

  void write(String id, Record r) throws IOException {
    String text = "parent=" + (r.parent() == null ? "" : r.parent()) + "\n"
        + "kind=" + (r.readWrite() ? "rw" : "ro") + "\n"
        + "size=" + r.size() + "\n";
    AtomicFiles.writeString(path(id), text, "rw-------");
  }

  /** The record of {@code id}, or empty if there is none (a layer made by Docker itself has none). */
  Optional<Record> read(String id) throws IOException {
    String text;
    try {
      text = Files.readString(path(id), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Properties p = new Properties();
    p.load(new StringReader(text));
    String parent = p.getProperty("parent", "");
    String kind = p.getProperty("kind", "");
    long size;
    try {
      size = Long.parseLong(p.getProperty("size", "0"));
    } catch (NumberFormatException e) {
      throw new LayerCorruptException("vfs: layer " + id + ": bad size in " + path(id), e);
    }
    if ((!parent.isEmpty() && !LayerIds.isValid(parent)) || !(kind.equals("rw") || kind.equals("ro"))) {
      throw new LayerCorruptException("vfs: layer " + id + ": unreadable record " + path(id));
    }
    return Optional.of(new Record(parent.isEmpty() ? null : parent, kind.equals("rw"), size));
  }

  void delete(String id) throws IOException {
    Files.deleteIfExists(path(id));
  }

  /** Every id that has a record, whether or not its layer directory exists. */
  List<String> ids() throws IOException {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(metaRoot)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (LayerIds.isValid(name)) {
          ids.add(name); // temp files of AtomicFiles start with '.', never a valid id
        }
      }
    }
    return ids;
  }
}
