package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.testkit.Fixture.bytes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.testkit.FsOp.Chown;
import org.unionfs.testkit.FsOp.CreateDir;
import org.unionfs.testkit.FsOp.Link;
import org.unionfs.testkit.FsOp.RemoveAll;
import org.unionfs.testkit.FsOp.Rename;
import org.unionfs.testkit.FsOp.WriteFile;

/**
 * Checks for bugs found in older layering models, one method per upstream issue, after containerd's
 * {@code core/snapshots/testsuite/issues.go} and {@code testsuite.go}. Each builds a chain of layers
 * with fixed fixtures and compares every layer with a flat oracle, including changes and the diff
 * round trip (see {@link LayerChain}).
 */
public abstract class RegressionChecks extends ConformanceBase {

  protected RegressionChecks(DriverFactory factory) {
    super(factory);
  }

  private LayerChain chain(String prefix) throws IOException {
    return new LayerChain(driver, work, prefix, true);
  }

  /**
   * The update of a file in an upper layer, same size, mtime in the same second as the original
   * (different nanoseconds): a diff must still carry it.
   * See <a href="https://github.com/docker/docker/issues/21555">docker#21555</a>.
   */
  @Test
  void layerFileUpdate_sameSizeSameSecond_isKept() throws IOException {
    LayerChain c = chain("upd");
    c.add(Fixture.of(
        new CreateDir("/etc", 0700),
        new WriteFile("/etc/hosts", bytes("mydomain 10.0.0.1"), 0644),
        new WriteFile("/etc/profile", bytes("PATH=/usr/bin"), 0644))
        .withClock(new Fixture.Clock(1_650_000_000L, 100_000_000L, 1_000L)));
    c.add(Fixture.of(
        new WriteFile("/etc/hosts", bytes("mydomain 10.0.0.2"), 0644),
        new WriteFile("/etc/profile", bytes("PATH=/usr/bin"), 0666),
        new CreateDir("/root", 0700),
        new WriteFile("/root/.bashrc", bytes("PATH=/usr/sbin:/usr/bin"), 0644))
        .withClock(new Fixture.Clock(1_650_000_000L, 500_000_000L, 1_000L)));
    c.verifyAll();
  }

  /**
   * A directory of a lower layer removed and recreated in the next: its old children stay hidden.
   * See <a href="https://github.com/docker/docker/issues/25244">docker#25244</a>.
   */
  @Test
  void removeDirectoryInLowerLayer_recreatedDirectoryHidesOldChildren() throws IOException {
    LayerChain c = chain("rmdir");
    c.add(Fixture.of(new CreateDir("/lib", 0700), new WriteFile("/lib/hidden", new byte[0], 0644)));
    c.add(Fixture.of(new RemoveAll("/lib"), new CreateDir("/lib", 0700),
        new WriteFile("/lib/not-hidden", new byte[0], 0644)));
    c.add(Fixture.of(new WriteFile("/lib/newfile", new byte[0], 0644)));
    c.verifyAll();
  }

  /**
   * chown of lower directories and files in an upper layer.
   * See <a href="https://github.com/docker/docker/issues/20240">docker#20240</a> (aufs),
   * <a href="https://github.com/docker/docker/issues/24913">docker#24913</a> (overlay),
   * <a href="https://github.com/docker/docker/issues/28391">docker#28391</a> (overlay2).
   */
  @Test
  void chown_ofLowerEntries() throws IOException {
    assumeRoot("chown to 1:1");
    LayerChain c = chain("chown");
    c.add(Fixture.of(new CreateDir("/opt", 0700), new CreateDir("/opt/a", 0700),
        new CreateDir("/opt/a/b", 0700), new WriteFile("/opt/a/b/file.txt", bytes("hello"), 0644)));
    c.add(Fixture.of(new Chown("/opt", 1, 1), new Chown("/opt/a", 1, 1),
        new Chown("/opt/a/b", 1, 1), new Chown("/opt/a/b/file.txt", 1, 1)));
    c.verifyAll();
  }

  /**
   * Renames from a lower layer: a file renamed over another, a file renamed away and, where the driver
   * declares {@link DriverCapability#RENAME_DIRECTORY_FROM_LOWER}, a directory renamed (containerd
   * leaves the directory out for overlayfs, as we do for drivers without the capability).
   * See <a href="https://github.com/docker/docker/issues/25409">docker#25409</a>.
   */
  @Test
  void rename_fromLowerLayer() throws IOException {
    LayerChain c = chain("rename");
    c.add(Fixture.of(new CreateDir("/dir1", 0700), new CreateDir("/somefiles", 0700),
        new WriteFile("/somefiles/f1", bytes("was here first!"), 0644),
        new WriteFile("/somefiles/f2", bytes("nothing interesting"), 0644)));
    List<FsOp> ops = new ArrayList<>();
    if (has(DriverCapability.RENAME_DIRECTORY_FROM_LOWER)) {
      ops.add(new Rename("/dir1", "/dir2"));
    }
    ops.add(new WriteFile("/somefiles/f1-overwrite", bytes("new content 1"), 0644));
    ops.add(new Rename("/somefiles/f1-overwrite", "/somefiles/f1"));
    ops.add(new Rename("/somefiles/f2", "/somefiles/f3"));
    c.add(Fixture.of(ops));
    c.verifyAll();
  }

  /**
   * Directory ownership across layers: chowned, removed and recreated directories keep the right
   * owner and mode in every layer.
   * See <a href="https://github.com/docker/docker/issues/27298">docker#27298</a>.
   */
  @Test
  void directoryPermissionOnCommit() throws IOException {
    assumeRoot("chown to 1:1");
    LayerChain c = chain("perm");
    c.add(Fixture.of(new CreateDir("/dir1", 0700), new CreateDir("/dir2", 0700),
        new CreateDir("/dir3", 0700), new CreateDir("/dir4", 0700),
        new WriteFile("/dir4/f1", bytes("..."), 0644), new CreateDir("/dir5", 0700),
        new WriteFile("/dir5/f1", bytes("..."), 0644), new Chown("/dir1", 1, 1),
        new Chown("/dir2", 1, 1), new Chown("/dir3", 1, 1), new Chown("/dir5", 1, 1),
        new Chown("/dir5/f1", 1, 1)));
    c.add(Fixture.of(new Chown("/dir2", 0, 0), new RemoveAll("/dir3"), new Chown("/dir4", 1, 1),
        new Chown("/dir4/f1", 1, 1)));
    c.add(Fixture.of(new CreateDir("/dir3", 0700), new Chown("/dir3", 1, 1), new RemoveAll("/dir5"),
        new CreateDir("/dir5", 0700), new Chown("/dir5", 1, 1)));
    c.verifyAll();
  }

  /** Files deleted in a child stay deleted in the child's children (containerd DeletedFilesInChildSnapshot). */
  @Test
  void deletedFilesInChild_stayDeletedAbove() throws IOException {
    LayerChain c = chain("del");
    c.add(Fixture.of(new WriteFile("/foo", bytes("foo\n"), 0777),
        new WriteFile("/foobar", bytes("foobar\n"), 0777)));
    c.add(Fixture.of(new RemoveAll("/foobar")));
    c.add(Fixture.of());
    c.verifyAll();
  }

  /**
   * Files moved out of a lower layer: a copy in a new directory, a lower directory removed, and a
   * lower file hardlinked to a new name then removed (containerd MoveFileFromLowerLayer).
   */
  @Test
  void moveFileFromLowerLayer() throws IOException {
    LayerChain c = chain("move");
    c.add(Fixture.of(new CreateDir("/dir1", 0700), new WriteFile("/dir1/f1", bytes("Hello"), 0644),
        new CreateDir("/dir2", 0700), new WriteFile("/dir2/f2", bytes("..."), 0644)));
    c.add(Fixture.of(new CreateDir("/dir3", 0700), new WriteFile("/dir3/f1", bytes("Hello"), 0644),
        new RemoveAll("/dir1"), new Link("/dir3/f2", "/dir2/f2"), new RemoveAll("/dir2/f2")));
    c.verifyAll();
  }

  /**
   * Removing an intermediate layer is refused while it has a child; removing a sibling leaf works and
   * the top still reads its whole tree afterwards; removing top-down works (containerd
   * RemoveIntermediateSnapshot).
   */
  @Test
  void removeIntermediateLayer_refusedWhileItHasChildren() throws IOException {
    LayerChain c = chain("inter");
    String base = c.add(Fixture.of(new WriteFile("/base", bytes("base\n"), 0644)));
    String inter = c.add(Fixture.of(new WriteFile("/inter", bytes("inter\n"), 0644)));
    String top = c.add(Fixture.of(new WriteFile("/top", bytes("top\n"), 0644)));

    assertThatThrownBy(() -> driver.remove(inter)).as("remove(%s) with a child", inter)
        .isInstanceOf(LayerInUseException.class).hasMessageContaining(inter);
    assertThatThrownBy(() -> driver.remove(base)).as("remove(%s) with a child", base)
        .isInstanceOf(LayerInUseException.class).hasMessageContaining(base);
    assertThat(driver.exists(inter)).isTrue();
    // What may be removed (a sibling leaf of the top) is, and the chain still reads whole.
    driver.createReadWrite("sibling", inter, CreateOptions.NONE);
    driver.remove("sibling");
    assertThat(driver.exists("sibling")).isFalse();
    c.verifyAll();

    driver.remove(top);
    assertThat(driver.exists(top)).isFalse();
    driver.create("other", inter, CreateOptions.NONE);
    assertThatThrownBy(() -> driver.remove(inter)).isInstanceOf(LayerInUseException.class);
    driver.remove("other");
    driver.remove(inter);
    driver.remove(base);
    assertThat(driver.exists(base)).isFalse();
  }

  /**
   * 128 layers, each overwriting a file, adding one and replacing a directory wholesale; every layer
   * equals the flat oracle before and after its changes (containerd 128LayersMount).
   */
  @Test
  void layers128_mountAndMatchFlatOracle() throws IOException {
    LayerChain c = new LayerChain(driver, work, "l128", false);
    c.add(Fixture.of(new WriteFile("/bottom", bytes("way at the bottom\n"), 0777),
        new WriteFile("/overwriteme", bytes("FIRST!\n"), 0777), new CreateDir("/addhere", 0755),
        new CreateDir("/onlyme", 0755), new WriteFile("/onlyme/bottom", bytes("bye!\n"), 0777)));
    for (int i = 1; i <= 127; i++) {
      c.add(Fixture.of(new WriteFile("/overwriteme", bytes(i + " WAS HERE!\n"), 0777),
          new WriteFile("/addhere/file-" + i, bytes("same\n"), 0755), new RemoveAll("/onlyme"),
          new CreateDir("/onlyme", 0755), new WriteFile("/onlyme/file-" + i, bytes("only me!\n"), 0777)));
    }
    c.verifyAll();
  }
}
