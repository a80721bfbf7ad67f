package org.unionfs.api.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.ProtoDriver;
import org.unionfs.api.error.LayerNotFoundException;

/**
 * {@link NaiveDiffDriver} over a minimal copying ProtoDriver (each layer a full copy of its parent, as
 * vfs): graphtest's DiffApply and Changes expectations, and balanced get/put.
 */
class NaiveDiffDriverTest {
  @TempDir Path home;

  /** A vfs-like ProtoDriver: {@code <home>/<id>} holds the full view; counts references. */
  static final class CopyingDriver implements ProtoDriver {
    final Path home;
    final Map<String, Integer> refs = new HashMap<>();

    CopyingDriver(Path home) {
      this.home = home;
    }

    @Override
    public String name() {
      return "copying";
    }

    @Override
    public Set<DriverCapability> capabilities() {
      return Set.of(DriverCapability.NATIVE_DIFF);
    }

    @Override
    public void create(String id, String parent, CreateOptions options) throws IOException {
      Path dir = home.resolve(id);
      if (parent == null) {
        Files.createDirectory(dir);
        return;
      }
      try {
        Process p = new ProcessBuilder("cp", "-a", home.resolve(parent).toString(), dir.toString())
            .inheritIO().start();
        if (p.waitFor() != 0) {
          throw new IOException("cp failed");
        }
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void createReadWrite(String id, String parent, CreateOptions options) throws IOException {
      create(id, parent, options);
    }

    @Override
    public void remove(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean exists(String id) {
      return Files.isDirectory(home.resolve(id));
    }

    @Override
    public synchronized Path get(String id, String mountLabel) throws IOException {
      if (!exists(id)) {
        throw new LayerNotFoundException("no layer " + id);
      }
      refs.merge(id, 1, Integer::sum);
      return home.resolve(id);
    }

    @Override
    public synchronized void put(String id) {
      refs.merge(id, -1, Integer::sum);
    }

    @Override
    public DriverStatus status() {
      return DriverStatus.empty();
    }

    @Override
    public Map<String, String> metadata(String id) {
      return Map.of();
    }

    @Override
    public void close() {}
  }

  static void addManyFiles(Path layer, int count, long seed) throws IOException {
    for (int i = 0; i < count; i += 100) {
      Path dir = Files.createDirectories(layer.resolve("directory-" + i));
      for (int j = 0; i + j < count && j < 100; j++) {
        byte[] b = new byte[64];
        new Random(seed + i + j).nextBytes(b);
        Files.write(dir.resolve("file-" + (i + j)), b);
      }
    }
  }

  @Test
  void graphtestDiffApply() throws Exception {
    CopyingDriver proto = new CopyingDriver(home);
    GraphDriver d = NaiveDiffDriver.wrap(proto);
    assertThat(d.capabilities()).doesNotContain(DriverCapability.NATIVE_DIFF);
    d.create("base", null, CreateOptions.NONE);
    Path base = d.get("base", "");
    addManyFiles(base, 10, 3);
    Files.writeString(base.resolve("file-remove.txt"), "This file should get removed in upper!");
    Files.createDirectories(base.resolve("var/lib"));
    d.put("base");
    d.create("upper", "base", CreateOptions.NONE);
    Path upper = d.get("upper", "");
    addManyFiles(upper, 10, 6);
    Files.delete(upper.resolve("file-remove.txt"));
    Files.delete(upper.resolve("var/lib"));
    // whole-second tolerance: make sure rewritten files differ in mtime from the base's copies
    for (int j = 0; j < 10; j++) {
      Path f = upper.resolve("directory-0/file-" + j);
      org.unionfs.api.posix.Posix.get().setTimes(f, 0, 0, 2_000_000_000L + j, 0);
    }
    d.put("upper");
    long diffSize = d.diffSize("upper", "base");
    d.create("diff", "base", CreateOptions.NONE);
    byte[] tar;
    try (InputStream in = d.diff("upper", "base")) {
      tar = in.readAllBytes();
    }
    long applied = d.applyDiff("diff", "base", new ByteArrayInputStream(tar));
    assertThat(applied).isEqualTo(diffSize).isEqualTo(640);
    Path diff = d.get("diff", "");
    assertThat(diff.resolve("file-remove.txt")).doesNotExist();
    assertThat(diff.resolve("var/lib")).doesNotExist();
    byte[] want = new byte[64];
    new Random(6 + 7).nextBytes(want);
    assertThat(Files.readAllBytes(diff.resolve("directory-0/file-7"))).isEqualTo(want);
    d.put("diff");
    assertThat(d.changes("diff", "base")).isEqualTo(d.changes("upper", "base"));
    assertThat(proto.refs.values()).as("every get balanced by a put").containsOnly(0);
  }

  @Test
  void diffWithoutParentIsTheWholeViewAndChangesAreAllAdds() throws Exception {
    CopyingDriver proto = new CopyingDriver(home);
    GraphDriver d = NaiveDiffDriver.wrap(proto);
    d.create("l", null, CreateOptions.NONE);
    Path l = d.get("l", "");
    Files.writeString(l.resolve("a"), "abc");
    d.put("l");
    List<Change> changes = d.changes("l", null);
    assertThat(changes).containsExactly(Change.add("/a"));
    assertThat(d.diffSize("l", null)).isEqualTo(3);
    byte[] tar;
    try (InputStream in = d.diff("l", null)) {
      tar = in.readAllBytes();
    }
    assertThat(new String(tar, 0, 1, StandardCharsets.US_ASCII)).isEqualTo("a");
    assertThat(tar.length).isEqualTo(512 + 512 + 1024);
    assertThat(proto.refs.values()).containsOnly(0);
  }

  @Test
  void closingADiffStreamEarlyReleasesTheLayer() throws Exception {
    CopyingDriver proto = new CopyingDriver(home);
    GraphDriver d = NaiveDiffDriver.wrap(proto);
    d.create("l", null, CreateOptions.NONE);
    Path l = d.get("l", "");
    for (int i = 0; i < 50; i++) {
      Files.write(l.resolve("f" + i), new byte[200_000]);
    }
    d.put("l");
    InputStream in = d.diff("l", null);
    assertThat(in.read(new byte[100])).isEqualTo(100);
    in.close();
    assertThat(proto.refs.get("l")).isZero();
  }
}
