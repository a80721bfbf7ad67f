package org.unionfs.driver.aufs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.internal.AtomicFiles;
import org.unionfs.api.posix.Posix;

/**
 * The paths and metadata files of an aufs home (see the package documentation for the layout). Reads
 * and writes files only; never mounts.
 */
final class AufsLayout {
  /** Suffix of a layer directory being removed (moby's {@code <id>-removing}). */
  static final String REMOVING = "-removing";
  /** Prefix of a removal scratch name when {@code <id>-removing} is itself a layer id in use. */
  static final String REMOVING_HIDDEN = ".removing-";

  private final Path home;

  private AufsLayout(Path home) {
    this.home = home;
  }

  /** Creates the home and its three directories (0710, as moby) if missing. */
  static AufsLayout prepare(Path homeDir) throws IOException {
    Path home = homeDir.toAbsolutePath().normalize();
    AufsLayout layout = new AufsLayout(home);
    for (Path dir : List.of(home, layout.layersDir(), layout.diffDir(), layout.mntDir())) {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir);
        Posix.get().chmod(dir, 0710);
      }
    }
    return layout;
  }

  Path home() {
    return home;
  }

  Path layersDir() {
    return home.resolve("layers");
  }

  Path diffDir() {
    return home.resolve("diff");
  }

  Path mntDir() {
    return home.resolve("mnt");
  }

  /** {@code layers/<id>}: the metadata file whose presence makes the layer exist. */
  Path layersFile(String id) {
    return layersDir().resolve(id);
  }

  /** {@code diff/<id>}: the layer's own branch. */
  Path diff(String id) {
    return diffDir().resolve(id);
  }

  /** {@code mnt/<id>}: the union mount point. */
  Path mnt(String id) {
    return mntDir().resolve(id);
  }

  /** Whether {@code layers/<id>} is present (moby's {@code Exists}: an lstat). */
  boolean exists(String id) {
    return Files.exists(layersFile(id), LinkOption.NOFOLLOW_LINKS);
  }

  /** The ids of every layer: the valid ids among the regular files of {@code layers/}, sorted. */
  List<String> ids() throws IOException {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(layersDir())) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (LayerIds.isValid(name) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          ids.add(name);
        }
      }
    }
    ids.sort(null);
    return ids;
  }

  /**
   * The ancestors of {@code id}, nearest first (the lines of {@code layers/<id>}; empty lines skipped as
   * moby's {@code getParentIDs}).
   *
   * @throws LayerNotFoundException if the layer does not exist
   * @throws LayerCorruptException if a line is not a layer id
   */
  List<String> parents(String id) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(layersFile(id), StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new LayerNotFoundException("aufs: layer " + id + " does not exist");
    }
    List<String> parents = new ArrayList<>(lines.size());
    for (String line : lines) {
      String p = line.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (!LayerIds.isValid(p)) {
        throw new LayerCorruptException("aufs: layer " + id + ": " + layersFile(id)
            + " names an invalid parent id '" + p + "'");
      }
      parents.add(p);
    }
    return parents;
  }

  /**
   * Writes {@code layers/<id>} atomically: empty without parent, else the parent then its ancestors,
   * one per line with a trailing newline (moby copies the parent's file after the parent's id).
   */
  void writeParents(String id, List<String> parents) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String p : parents) {
      sb.append(p).append('\n');
    }
    AtomicFiles.writeString(layersFile(id), sb.toString(), "rw-r--r--");
  }

  /** The scratch name {@code dir/<id>} is renamed to while it is deleted. */
  Path removing(Path dir, String id) {
    String moby = id + REMOVING;
    if (LayerIds.isValid(moby) && exists(moby)) {
      return dir.resolve(REMOVING_HIDDEN + id); // never rename over a live layer named <id>-removing
    }
    return dir.resolve(moby);
  }

  /** The layer a removal scratch name belongs to, or null if {@code name} is not one. */
  String removedLayerOf(String name) {
    if (name.startsWith(REMOVING_HIDDEN)) {
      return name.substring(REMOVING_HIDDEN.length());
    }
    if (name.endsWith(REMOVING) && !exists(name)) {
      return name.substring(0, name.length() - REMOVING.length());
    }
    return null;
  }
}
