package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;

/** moby graphtest's helpers ({@code testutil.go}), on a {@link ConformanceBase}'s driver. */
final class GraphtestFiles {
  private static final SecureRandom IDS = new SecureRandom();

  private GraphtestFiles() {}

  /** moby {@code stringid.GenerateRandomID}: 64 hex digits. */
  static String randomId() {
    byte[] b = new byte[32];
    IDS.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** moby addManyFiles: "directory-i/file-(i+j)" of 64 seeded bytes, 100 per directory. */
  static void addManyFiles(ConformanceBase t, String layer, int count, long seed) throws IOException {
    t.withView(layer, root -> {
      for (int i = 0; i < count; i += 100) {
        Path dir = Files.createDirectories(root.resolve("directory-" + i));
        for (int j = 0; i + j < count && j < 100; j++) {
          write(dir.resolve("file-" + (i + j)), RandomContent.of(64, seed + i + j));
        }
      }
      return null;
    });
  }

  /**
   * moby changeManyFiles: per directory a Modify of it; then for j%3==0 rewrite file-(i+j) (Modify),
   * j%3==1 add file-(seed)-(i+j) (Add), j%3==2 delete file-(i+j) (Delete). Returns the changes made.
   */
  static List<Change> changeManyFiles(ConformanceBase t, String layer, int count, long seed)
      throws IOException {
    return t.withView(layer, root -> {
      List<Change> changes = new ArrayList<>();
      for (int i = 0; i < count; i += 100) {
        String dir = "/directory-" + i;
        Files.createDirectories(root.resolve(dir.substring(1)));
        for (int j = 0; i + j < count && j < 100; j++) {
          if (j == 0) {
            changes.add(Change.modify(dir));
          }
          byte[] content = RandomContent.of(64, seed + i + j);
          switch (j % 3) {
            case 0 -> {
              String p = dir + "/file-" + (i + j);
              write(root.resolve(p.substring(1)), content);
              changes.add(Change.modify(p));
            }
            case 1 -> {
              String p = dir + "/file-" + seed + "-" + (i + j);
              write(root.resolve(p.substring(1)), content);
              changes.add(Change.add(p));
            }
            default -> {
              String p = dir + "/file-" + (i + j);
              Files.delete(root.resolve(p.substring(1)));
              changes.add(Change.delete(p));
            }
          }
        }
      }
      return changes;
    });
  }

  /** moby checkManyFiles: every file holds the content its seed gives. */
  static void checkManyFiles(ConformanceBase t, String layer, int count, long seed)
      throws IOException {
    t.withView(layer, root -> {
      for (int i = 0; i < count; i += 100) {
        for (int j = 0; i + j < count && j < 100; j++) {
          Path file = root.resolve("directory-" + i).resolve("file-" + (i + j));
          assertThat(Files.readAllBytes(file)).as("content of %s in layer %s", file, layer)
              .isEqualTo(RandomContent.of(64, seed + i + j));
        }
      }
      return null;
    });
  }

  /** moby addManyLayers: {@code count} image layers on {@code base}, each with addLayerFiles. */
  static String addManyLayers(ConformanceBase t, String base, int count) throws IOException {
    String last = base;
    for (int i = 1; i <= count; i++) {
      String next = randomId();
      t.driver.create(next, last, CreateOptions.NONE);
      String parent = last;
      int n = i;
      t.withView(next, root -> {
        write(root.resolve("top-id"), next.getBytes(StandardCharsets.UTF_8));
        Path layerDir = Files.createDirectories(root.resolve("layer-" + n));
        write(layerDir.resolve("layer-id"), next.getBytes(StandardCharsets.UTF_8));
        write(layerDir.resolve("parent-id"), parent.getBytes(StandardCharsets.UTF_8));
        return null;
      });
      last = next;
    }
    return last;
  }

  /** moby checkManyLayers: top-id is the top; each layer-i names itself and links to its parent. */
  static void checkManyLayers(ConformanceBase t, String top, int count) throws IOException {
    t.withView(top, root -> {
      String expected = Files.readString(root.resolve("top-id"));
      assertThat(expected).as("top-id").isEqualTo(top);
      for (int i = count; i > 0; i--) {
        Path layerDir = root.resolve("layer-" + i);
        assertThat(Files.readString(layerDir.resolve("layer-id"))).as("layer-%d/layer-id", i)
            .isEqualTo(expected);
        expected = Files.readString(layerDir.resolve("parent-id"));
      }
      return null;
    });
  }

  /** moby writeRandomFile: {@code size} pseudo-random bytes, mode 0700, streamed. */
  static void writeRandomFile(Path path, long size) throws IOException {
    byte[] chunk = RandomContent.of(1 << 20, 0);
    try (OutputStream out = Files.newOutputStream(path)) {
      for (long left = size; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    }
    FsOp.chmod(path, 0700);
  }

  private static void write(Path p, byte[] content) throws IOException {
    Files.write(p, content);
    FsOp.chmod(p, 0755);
  }
}
