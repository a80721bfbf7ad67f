package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.posix.FileStat;

/**
 * moby's graphtest ({@code daemon/graphdriver/graphtest}) with its exact expectations: CreateEmpty,
 * CreateBase, CreateSnap, DeepLayerRead with 128 layers, DiffApply with 10 and 100 files, Changes with
 * 20 files, and SetQuota (inherited from {@link SetQuotaChecks}). Unlike moby, every driver runs
 * every one of them.
 */
public abstract class GraphtestChecks extends SetQuotaChecks {

  protected GraphtestChecks(DriverFactory factory) {
    super(factory);
  }

  /** DriverTestCreateEmpty: an empty layer is an empty 0755 directory owned by the caller. */
  @Test
  void createEmpty_isEmptyDirectory0755OwnedByCaller() throws IOException {
    driver.create("empty", null, CreateOptions.NONE);
    assertThat(driver.exists("empty")).as("exists(empty) after create").isTrue();
    Path dir = driver.get("empty", "");
    try {
      verifyFile(dir, FileStat.S_IFDIR | 0755, Host.uid(), Host.gid());
      assertThat(readDir(dir)).as("entries of a new empty layer").isEmpty();
    } finally {
      driver.put("empty");
    }
    driver.remove("empty");
    assertThat(driver.exists("empty")).isFalse();
  }

  /** DriverTestCreateBase: a sticky 0705 directory owned 1:2 and a setuid 0222 file survive put/get. */
  @Test
  void createBase_keepsModesAndOwners() throws IOException {
    assumeRoot("createBase chowns a directory to 1:2");
    createBase("Base");
    verifyBase("Base");
    driver.remove("Base");
  }

  /** DriverTestCreateSnap: a child of Base shows exactly Base's tree. */
  @Test
  void createSnap_childShowsBase() throws IOException {
    assumeRoot("createBase chowns a directory to 1:2");
    createBase("Base");
    driver.create("Snap", "Base", CreateOptions.NONE);
    verifyBase("Snap");
    driver.remove("Snap");
    driver.remove("Base");
  }

  /** DriverTestDeepLayerRead with 128 layers: every layer's files read through the top. */
  @Test
  void deepLayerRead_128Layers() throws IOException {
    String base = GraphtestFiles.randomId();
    driver.create(base, null, CreateOptions.NONE);
    byte[] content = "test content".getBytes(StandardCharsets.UTF_8);
    addFile(base, "testfile.txt", content);
    String top = GraphtestFiles.addManyLayers(this, base, 128);
    GraphtestFiles.checkManyLayers(this, top, 128);
    checkFile(top, "testfile.txt", content);
  }

  /** DriverTestDiffApply with 10 files: 640 bytes both ways. */
  @Test
  void diffApply_10Files() throws IOException {
    diffApply(10);
  }

  /** DriverTestDiffApply with 100 files (containers/storage runs it on vfs). */
  @Test
  void diffApply_100Files() throws IOException {
    diffApply(100);
  }

  /** DriverTestChanges: exactly the 21 changes changeManyFiles made. */
  @Test
  void changes_20Files_exactly21Changes() throws IOException, InterruptedException {
    String base = GraphtestFiles.randomId();
    String upper = GraphtestFiles.randomId();
    driver.create(base, null, CreateOptions.NONE);
    GraphtestFiles.addManyFiles(this, base, 20, 3);
    driver.create(upper, base, CreateOptions.NONE);
    // The kernel stamps mtimes from a coarse clock (one tick is a few ms): make sure the rewrites below
    // cannot land in the tick of the originals, which moby only avoids by luck of timing.
    Thread.sleep(20);
    List<Change> expected = GraphtestFiles.changeManyFiles(this, upper, 20, 6);
    assertThat(expected).hasSize(21);
    List<Change> actual = driver.changes(upper, base);
    assertThat(actual.stream().sorted(Change.BY_PATH).toList())
        .as("changes(upper, base)")
        .containsExactlyElementsOf(expected.stream().sorted(Change.BY_PATH).toList());
  }

  private void diffApply(int fileCount) throws IOException {
    String base = GraphtestFiles.randomId();
    String upper = GraphtestFiles.randomId();
    String diff = GraphtestFiles.randomId();
    String deleteFile = "file-remove.txt";
    byte[] deleteFileContent = "This file should get removed in upper!".getBytes(StandardCharsets.UTF_8);
    String deleteDir = "var/lib";

    driver.create(base, null, CreateOptions.NONE);
    GraphtestFiles.addManyFiles(this, base, fileCount, 3);
    addFile(base, deleteFile, deleteFileContent);
    withView(base, root -> Files.createDirectories(root.resolve(deleteDir)));

    driver.create(upper, base, CreateOptions.NONE);
    GraphtestFiles.addManyFiles(this, upper, fileCount, 6);
    withView(upper, root -> {
      new FsOp.RemoveAll("/" + deleteFile).apply(root);
      new FsOp.RemoveAll("/" + deleteDir).apply(root);
      return null;
    });

    long diffSize = driver.diffSize(upper, null);
    assertThat(diffSize).as("diffSize(upper, \"\")").isEqualTo(64L * fileCount);

    driver.create(diff, base, CreateOptions.NONE);
    GraphtestFiles.checkManyFiles(this, diff, fileCount, 3);
    checkFile(diff, deleteFile, deleteFileContent);

    byte[] arch;
    try (InputStream in = driver.diff(upper, base)) {
      arch = in.readAllBytes();
    }
    long applied = driver.applyDiff(diff, base, new ByteArrayInputStream(arch));
    assertThat(applied).as("applyDiff size vs diffSize").isEqualTo(diffSize);

    GraphtestFiles.checkManyFiles(this, diff, fileCount, 6);
    checkFileRemoved(diff, deleteFile);
    checkFileRemoved(diff, deleteDir);
  }

  private void verifyBase(String name) throws IOException {
    withView(name, dir -> {
      verifyFile(dir.resolve("a subdir"), FileStat.S_IFDIR | 01705, 1, 2);
      verifyFile(dir.resolve("a file"), FileStat.S_IFREG | 04222, 0, 0);
      assertThat(Files.readString(dir.resolve("a file"))).isEqualTo("Some data");
      assertThat(readDir(dir)).as("entries of %s", name).hasSize(2);
      return null;
    });
  }

  /** moby verifyFile: type, permission, sticky, setuid and setgid bits, then owner. */
  static void verifyFile(Path path, int mode, int uid, int gid) throws IOException {
    FileStat st = PathOps.lstat(path);
    assertThat(st.type()).as("type of %s", path).isEqualTo(mode & FileStat.S_IFMT);
    assertThat(st.permissions() & 0777).as("permissions of %s", path).isEqualTo(mode & 0777);
    assertThat(st.permissions() & 01000).as("sticky bit of %s", path).isEqualTo(mode & 01000);
    assertThat(st.permissions() & 04000).as("setuid bit of %s", path).isEqualTo(mode & 04000);
    assertThat(st.permissions() & 02000).as("setgid bit of %s", path).isEqualTo(mode & 02000);
    assertThat(st.uid()).as("uid of %s", path).isEqualTo(uid);
    assertThat(st.gid()).as("gid of %s", path).isEqualTo(gid);
  }

  /** moby readDir: the entries of {@code dir} without lost+found. */
  static List<String> readDir(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lost+found")).toList();
    }
  }
}
