package org.unionfs.driver.aufs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.fs.FileTrees;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.testkit.TarBuilder;

/**
 * Native changes (read from the layer's own branch) against the reference: the naive comparison of the
 * two mounted views. Every scenario must give the same list and the same diff bytes; the opaque cases
 * include the nested {@code .wh..wh..opq} that moby's {@code archive.Changes} reports as a deletion of
 * {@code .wh..opq}.
 */
class AufsNativeChangesTest {
  @TempDir
  Path tmp;
  AufsDriver driver;
  final Posix posix = Posix.get();

  @BeforeEach
  void open() throws IOException {
    AufsHost.assumeFuseAndRoot();
    driver = (AufsDriver) new AufsDriverProvider().open(DriverContext.of(tmp.resolve("aufs")));
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

  /** Native and naive changes, diff bytes and sizes of {@code id} against mid; returns the changes. */
  List<String> compare(String id) throws Exception {
    GraphDriver naive = NaiveDiffDriver.wrap(driver);
    List<Change> expected = naive.changes(id, "mid");
    assertThat(driver.changes(id, "mid")).as("native changes").isEqualTo(expected);
    byte[] nativeTar;
    byte[] naiveTar;
    try (InputStream a = driver.diff(id, "mid"); InputStream b = naive.diff(id, "mid")) {
      nativeTar = a.readAllBytes();
      naiveTar = b.readAllBytes();
    }
    assertThat(nativeTar).as("native diff bytes equal naive diff bytes").isEqualTo(naiveTar);
    long size = driver.diffSize(id, "mid");
    assertThat(size).isEqualTo(naive.diffSize(id, "mid"));
    driver.create(id + "-copy", "mid", CreateOptions.NONE);
    assertThat(driver.applyDiff(id + "-copy", "mid", new ByteArrayInputStream(nativeTar)))
        .as("applyDiff of the diff returns diffSize").isEqualTo(size);
    return expected.stream().map(Change::toString).toList();
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
    assertThat(compare("ctr")).isEmpty();
  }

  @Test
  void directoryRecreated_isOpaque_reportsChildrenNotTheDirectory() throws Exception {
    edit(v -> {
      FileTrees.deleteTree(v.resolve("opq"));
      Files.createDirectory(v.resolve("opq"));
      Files.writeString(v.resolve("opq/new.txt"), "new");
      Files.writeString(v.resolve("opq/keep.txt"), "same");
    });
    assertThat(driver.layout().diff("ctr").resolve("opq/.wh..wh..opq")).exists();
    assertThat(compare("ctr")).contains("A /opq/new.txt", "C /opq/keep.txt", "D /opq/gone.txt",
        "D /opq/inner").doesNotContain("D /opq", "D /opq/.wh..opq");
  }

  @Test
  void typeChanges_deletes_whiteoutsOfLowerFiles() throws Exception {
    edit(v -> {
      FileTrees.deleteTree(v.resolve("tobefile"));
      Files.writeString(v.resolve("tobefile"), "now a file");
      Files.delete(v.resolve("tobedir"));
      Files.createDirectories(v.resolve("tobedir/x"));
      Files.writeString(v.resolve("tobedir/x/y"), "y");
      FileTrees.deleteTree(v.resolve("dir/sub"));
      Files.delete(v.resolve("dir/mid.txt"));
      Files.writeString(v.resolve("added.txt"), "added");
      Files.writeString(v.resolve("transient"), "t");
      Files.delete(v.resolve("transient"));
    });
    assertThat(compare("ctr")).contains("C /tobefile", "C /tobedir", "A /tobedir/x", "A /tobedir/x/y",
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
    assertThat(compare("ctr")).contains("C /dir/a.txt", "C /file", "C /dir/sub/c.txt", "C /link",
        "C /dir/sub/deep", "C /dir/sub/deep/d.txt", "A /fifo", "A /hardlink").doesNotContain("C /opq");
  }

  @Test
  void renamedLowerDirectory_copiedUp_addsAndDeletes() throws Exception {
    edit(v -> Files.move(v.resolve("dir/sub"), v.resolve("moved")));
    assertThat(compare("ctr")).contains("A /moved", "A /moved/c.txt", "A /moved/deep/d.txt",
        "D /dir/sub", "C /dir");
  }

  /**
   * A layer tar applied natively keeps its whiteouts as {@code .wh.} files, nested opaque marker
   * included; the changes read from the branch are the naive ones, with no {@code D /x/.wh..opq}.
   */
  @Test
  void appliedTarWithWhiteoutsAndNestedOpaqueMarker() throws Exception {
    driver.create("img", "mid", CreateOptions.NONE);
    byte[] tar = new TarBuilder(0, 0)
        .dir("opq", 0755, 1_600_000_000L).opaque("opq")
        .file("opq/fresh", "fresh".getBytes(StandardCharsets.UTF_8), 0644, 1_600_000_000L)
        .dir("dir", 0755, 1_600_000_000L).whiteout("dir/a.txt").whiteout("nonexistent")
        .file("dir/new", "new".getBytes(StandardCharsets.UTF_8), 0644, 1_600_000_000L)
        .dir("dir/sub", 0755, 1_600_000_000L).opaque("dir/sub")
        .build();
    assertThat(driver.applyDiff("img", "mid", new ByteArrayInputStream(tar))).isEqualTo(8);
    Path branch = driver.layout().diff("img");
    assertThat(branch.resolve("dir/.wh.a.txt")).as("whiteout kept as a .wh. file").isRegularFile();
    assertThat(branch.resolve("opq/.wh..wh..opq")).isRegularFile();
    assertThat(branch.resolve("dir/sub/.wh..wh..opq")).isRegularFile();
    List<String> changes = compare("img");
    assertThat(changes).contains("D /dir/a.txt", "A /opq/fresh", "D /opq/keep.txt", "D /opq/inner",
        "A /dir/new", "D /dir/sub/c.txt", "D /dir/sub/deep")
        .doesNotContain("D /nonexistent", "D /opq/.wh..opq", "D /dir/sub/.wh..opq", "D /opq");
    try (InputStream in = driver.diff("img", "mid")) {
      String names = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(names).doesNotContain(".wh..wh.aufs", ".wh..wh.plnk", ".wh..wh.orph");
    }
  }

  /** docker diff of a running container: the parent and the layer are both mounted meanwhile. */
  @Test
  void changesWhileParentAndLayerAreMounted() throws Exception {
    Path parentView = driver.get("mid", "");
    Path view = driver.get("ctr", "");
    try {
      Files.writeString(view.resolve("dir/a.txt"), "changed");
      Files.delete(view.resolve("file"));
      assertThat(driver.changes("ctr", "mid")).map(Change::toString)
          .containsExactly("C /dir", "C /dir/a.txt", "D /file");
      assertThat(parentView.resolve("file")).exists();
    } finally {
      driver.put("ctr");
      driver.put("mid");
    }
    assertThat(compare("ctr")).containsExactly("C /dir", "C /dir/a.txt", "D /file");
  }

  @Test
  void aufsBookkeepingAtTheBranchRoot_neverReported() throws Exception {
    Path branch = driver.layout().diff("ctr");
    Files.createDirectories(branch.resolve(".wh..wh.plnk"));
    Files.writeString(branch.resolve(".wh..wh.plnk/1234.5"), "pseudo link");
    Files.writeString(branch.resolve(".wh..wh.aufs"), "");
    Files.createDirectories(branch.resolve(".wh..wh.orph"));
    edit(v -> Files.writeString(v.resolve("added.txt"), "added"));
    assertThat(compare("ctr")).containsExactly("A /added.txt");
  }

  private static byte[] capability() {
    byte[] v = new byte[20];
    v[0] = 1;
    v[3] = 2;
    v[4] = 2; // VFS_CAP_REVISION_2 header, one permitted capability (CAP_DAC_OVERRIDE)
    return v;
  }
}
