package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;

/**
 * Native changes (read from the diff directory) against the reference: moby's naive comparison of the
 * two mounted views ({@link LayerTar#changes}). Every scenario must give the same list; the opaque cases
 * are the ones moby got wrong before it gave up on native changes.
 */
class NativeChangesTest {
  @TempDir Path tmp;
  Overlay2Driver driver;
  final Posix posix = Posix.get();

  @BeforeEach
  void open() throws IOException {
    Host.assumeOverlay();
    driver = Overlay2DriverProvider.open(DriverContext.of(tmp.resolve("overlay2")), KernelMounter.system(),
        OverlayProbe.system());
    driver.create("base", null, CreateOptions.NONE);
    Path b = driver.get("base", "");
    Files.createDirectories(b.resolve("dir/sub/deep"));
    Files.writeString(b.resolve("dir/a.txt"), "a");
    Files.writeString(b.resolve("dir/b.txt"), "b");
    Files.writeString(b.resolve("dir/sub/c.txt"), "c");
    Files.writeString(b.resolve("dir/sub/deep/d.txt"), "d");
    Files.writeString(b.resolve("file"), "file");
    Files.createDirectory(b.resolve("tobefile"));
    Files.writeString(b.resolve("tobefile/x"), "x");
    Files.writeString(b.resolve("tobedir"), "y");
    Files.createSymbolicLink(b.resolve("link"), Path.of("file"));
    Files.createDirectories(b.resolve("opq/inner"));
    Files.writeString(b.resolve("opq/keep.txt"), "same");
    Files.writeString(b.resolve("opq/gone.txt"), "gone");
    Files.writeString(b.resolve("opq/inner/i.txt"), "i");
    driver.put("base");
    driver.create("mid", "base", CreateOptions.NONE);
    Path m = driver.get("mid", "");
    Files.writeString(m.resolve("dir/mid.txt"), "mid");
    Files.delete(m.resolve("dir/b.txt"));
    driver.put("mid");
    driver.createReadWrite("ctr", "mid", CreateOptions.NONE);
  }

  @AfterEach
  void close() throws IOException {
    if (driver != null) {
      driver.close();
    }
  }

  /** Native and naive changes of ctr against mid, asserting they are equal; returns them. */
  List<String> compare() throws Exception {
    Path parent = driver.get("mid", "");
    Path view = driver.get("ctr", "");
    List<Change> naive;
    List<Change> nativeChanges;
    try {
      naive = LayerTar.changes(view, parent);
      nativeChanges = NativeChanges.compute(posix, driver.layout().diff("ctr"), parent,
          driver.support().xattrPrefix());
    } finally {
      driver.put("ctr");
      driver.put("mid");
    }
    assertThat(nativeChanges).isEqualTo(naive);
    assertThat(driver.changes("ctr", "mid")).isEqualTo(naive);
    GraphDriver naiveDriver = NaiveDiffDriver.wrap(driver);
    byte[] nativeTar;
    byte[] naiveTar;
    try (InputStream a = driver.diff("ctr", "mid"); InputStream b = naiveDriver.diff("ctr", "mid")) {
      nativeTar = a.readAllBytes();
      naiveTar = b.readAllBytes();
    }
    assertThat(nativeTar).as("native diff bytes equal naive diff bytes").isEqualTo(naiveTar);
    assertThat(driver.diffSize("ctr", "mid")).isEqualTo(naiveDriver.diffSize("ctr", "mid"));
    return naive.stream().map(Change::toString).toList();
  }

  interface Edit {
    void apply(Path view) throws Exception;
  }

  void edit(Edit e) throws Exception {
    Path v = driver.get("ctr", "");
    try {
      e.apply(v);
    } finally {
      driver.put("ctr");
    }
  }

  @Test
  void noEdits_noChanges() throws Exception {
    assertThat(compare()).isEmpty();
  }

  @Test
  void opaqueDirectory_recreated_reportsChildrenNotTheDirectory() throws Exception {
    edit(v -> {
      deleteTree(v.resolve("opq"));
      Files.createDirectory(v.resolve("opq"));
      Files.writeString(v.resolve("opq/new.txt"), "new");
      Files.writeString(v.resolve("opq/keep.txt"), "same");
    });
    FileStat st = posix.lstat(driver.layout().diff("ctr").resolve("opq"));
    assertThat(st.isDirectory()).isTrue();
    assertThat(posix.getXattr(driver.layout().diff("ctr").resolve("opq"), "trusted.overlay.opaque"))
        .hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.US_ASCII)).isEqualTo("y"));
    assertThat(compare()).contains("C /opq", "A /opq/new.txt", "C /opq/keep.txt", "D /opq/gone.txt",
        "D /opq/inner").doesNotContain("D /opq");
  }

  @Test
  void typeChanges_deletes_whiteoutsOfLowerFiles() throws Exception {
    edit(v -> {
      deleteTree(v.resolve("tobefile"));
      Files.writeString(v.resolve("tobefile"), "now a file");
      Files.delete(v.resolve("tobedir"));
      Files.createDirectories(v.resolve("tobedir/x"));
      Files.writeString(v.resolve("tobedir/x/y"), "y");
      deleteTree(v.resolve("dir/sub"));
      Files.delete(v.resolve("dir/mid.txt"));
      Files.writeString(v.resolve("added.txt"), "added");
      Files.writeString(v.resolve("transient"), "t");
      Files.delete(v.resolve("transient"));
    });
    assertThat(compare()).contains("C /tobefile", "C /tobedir", "A /tobedir/x", "A /tobedir/x/y",
        "D /dir/sub", "D /dir/mid.txt", "C /dir", "A /added.txt").doesNotContain("D /transient");
  }

  @Test
  void metadataOnlyChanges_modeOwnerTimesSymlinkCapability() throws Exception {
    edit(v -> {
      Files.setPosixFilePermissions(v.resolve("dir/a.txt"), PosixFilePermissions.fromString("rwx------"));
      posix.lchown(v.resolve("file"), 1, 2);
      Files.setLastModifiedTime(v.resolve("dir/sub/c.txt"), FileTime.fromMillis(1_000_000L));
      Files.delete(v.resolve("link"));
      Files.createSymbolicLink(v.resolve("link"), Path.of("dir"));
      Files.setPosixFilePermissions(v.resolve("dir/sub/deep"), PosixFilePermissions.fromString("rwx--x--x"));
      posix.setXattr(v.resolve("dir/sub/deep/d.txt"), "security.capability", capability());
      Files.setLastModifiedTime(v.resolve("opq"), FileTime.fromMillis(5_000L)); // dir mtime: ignored
      posix.mknod(v.resolve("fifo"), FileStat.S_IFIFO | 0644, 0);
      Files.createLink(v.resolve("hardlink"), v.resolve("dir/a.txt"));
    });
    assertThat(compare()).contains("C /dir/a.txt", "C /file", "C /dir/sub/c.txt", "C /link",
        "C /dir/sub/deep", "C /dir/sub/deep/d.txt", "A /fifo", "A /hardlink").doesNotContain("C /opq");
  }

  @Test
  void appliedTarWithWhiteoutsAndOpaqueMarker_nativeApplyThenChanges() throws Exception {
    driver.create("img", "mid", CreateOptions.NONE);
    long size = driver.applyDiff("img", "mid", tar(
        dir("opq/"), file("opq/.wh..wh..opq", ""), file("opq/fresh", "fresh"),
        file("dir/.wh.a.txt", ""), file(".wh.nonexistent", ""), file("dir/new", "new")));
    assertThat(size).isEqualTo(8);
    assertThat(posix.lstat(driver.layout().diff("img").resolve("dir/a.txt")).isOverlayWhiteout()).isTrue();
    Path parent = driver.get("mid", "");
    Path view = driver.get("img", "");
    try {
      List<Change> naive = LayerTar.changes(view, parent);
      assertThat(driver.changes("img", "mid")).isEqualTo(naive);
      assertThat(naive.stream().map(Change::toString)).contains("D /dir/a.txt", "A /opq/fresh",
          "D /opq/keep.txt", "A /dir/new").doesNotContain("D /nonexistent");
    } finally {
      driver.put("img");
      driver.put("mid");
    }
  }

  @Test
  void redirectOrMetacopyInDiffDir_fallsBackToNaive() throws Exception {
    edit(v -> Files.writeString(v.resolve("dir/a.txt"), "changed"));
    Path upperFile = driver.layout().diff("ctr").resolve("dir/a.txt");
    posix.setXattr(upperFile, "trusted.overlay.metacopy", new byte[0]);
    assertThatThrownBy(() -> NativeChanges.compute(posix, driver.layout().diff("ctr"),
        driver.layout().diff("mid"), "trusted.overlay."))
        .isInstanceOf(NativeChanges.Unsupported.class);
    posix.removeXattr(upperFile, "trusted.overlay.metacopy");
    Path upperDir = driver.layout().diff("ctr").resolve("dir");
    posix.setXattr(upperDir, "trusted.overlay.opaque", "x".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> NativeChanges.compute(posix, driver.layout().diff("ctr"),
        driver.layout().diff("mid"), "trusted.overlay."))
        .isInstanceOf(NativeChanges.Unsupported.class);
    posix.removeXattr(upperDir, "trusted.overlay.opaque");
    assertThat(compare()).contains("C /dir/a.txt");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
  void randomEdits_nativeEqualsNaive(long seed) throws Exception {
    Random r = new Random(seed);
    edit(v -> {
      for (int i = 0; i < 60; i++) {
        randomEdit(v, r);
      }
    });
    compare();
  }

  private void randomEdit(Path v, Random r) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(v)) {
      all = s.filter(p -> !p.equals(v)).sorted(Comparator.comparing(Path::toString)).toList();
    }
    List<Path> dirs = new ArrayList<>(List.of(v));
    all.stream().filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).forEach(dirs::add);
    Path dir = dirs.get(r.nextInt(dirs.size()));
    Path any = all.isEmpty() ? null : all.get(r.nextInt(all.size()));
    String name = "n" + r.nextInt(6);
    try {
      switch (r.nextInt(9)) {
        case 0 -> Files.writeString(dir.resolve(name), "w" + r.nextInt(3));
        case 1 -> Files.createDirectory(dir.resolve(name));
        case 2 -> { if (any != null) deleteTree(any); }
        case 3 -> { if (any != null && Files.isRegularFile(any, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            Files.writeString(any, "rewritten" + r.nextInt(2)); }
        case 4 -> { if (any != null) Files.setPosixFilePermissions(any,
            PosixFilePermissions.fromString(r.nextBoolean() ? "rwxr-x---" : "rwxr-xr-x")); }
        case 5 -> { if (any != null && !Files.isSymbolicLink(any)) posix.lchown(any, r.nextInt(2), 0); }
        case 6 -> Files.createSymbolicLink(dir.resolve(name), Path.of("t" + r.nextInt(2)));
        case 7 -> { if (any != null && Files.isRegularFile(any, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            Files.move(any, dir.resolve(name)); }
        default -> { if (any != null && Files.isDirectory(any, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(any);
            Files.createDirectory(any);
            Files.writeString(any.resolve("a.txt"), "a");
          } }
      }
    } catch (java.nio.file.FileSystemException ignored) {
      // the random edit did not apply here; the next one will
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(x);
        }
      }
    } else {
      Files.delete(p);
    }
  }

  static byte[] capability() {
    // vfs_cap_data revision 2, CAP_NET_RAW (13) permitted and effective.
    byte[] b = new byte[20];
    b[0] = 1; // magic_etc = 0x02000001 (VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE), little endian
    b[3] = 2;
    b[5] = (byte) (1 << 5); // permitted[0] bit 13
    return b;
  }

  record Entry(String name, String content, boolean isDir) {}

  static Entry dir(String name) {
    return new Entry(name, null, true);
  }

  static Entry file(String name, String content) {
    return new Entry(name, content, false);
  }

  static java.io.InputStream tar(Entry... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry t = new TarArchiveEntry(e.name(), e.isDir() ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
        t.setMode(e.isDir() ? 040755 : 0100644);
        t.setModTime(1_600_000_000_000L);
        byte[] data = e.isDir() ? new byte[0] : e.content().getBytes(StandardCharsets.UTF_8);
        t.setSize(data.length);
        out.putArchiveEntry(t);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
    return new java.io.ByteArrayInputStream(bytes.toByteArray());
  }
}
