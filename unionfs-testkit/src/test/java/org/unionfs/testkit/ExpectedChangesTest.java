package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.testkit.Fixture.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.Change;
import org.unionfs.api.posix.Posix;
import org.unionfs.testkit.FsOp.CreateDir;
import org.unionfs.testkit.FsOp.RemoveAll;
import org.unionfs.testkit.FsOp.WriteFile;

/** The changes oracle follows moby's rules, checked on plain directories. */
class ExpectedChangesTest {
  @TempDir
  Path tmp;

  private TreeManifest parent;

  /** Builds the parent with {@code base}, copies it, applies {@code change}; returns the changes. */
  private List<Change> changes(Fixture base, Fixture change) throws IOException {
    Path p = Files.createDirectory(tmp.resolve("p"));
    base.applyTo(p, Fixture.Clock.forLayer(0));
    Path l = tmp.resolve("l");
    TreeCopy.copy(p, l);
    change.applyTo(l, Fixture.Clock.forLayer(1));
    parent = TreeManifest.of(p);
    return ExpectedChanges.between(parent, TreeManifest.of(l));
  }

  @Test
  void mobyChangesTest_20Files_21Changes() throws IOException {
    List<FsOp> base = new ArrayList<>(List.of(new CreateDir("/directory-0", 0755)));
    List<FsOp> change = new ArrayList<>();
    List<Change> expected = new ArrayList<>(List.of(Change.modify("/directory-0")));
    for (int j = 0; j < 20; j++) {
      base.add(new WriteFile("/directory-0/file-" + j, RandomContent.of(64, 3 + j), 0755));
      switch (j % 3) {
        case 0 -> {
          change.add(new WriteFile("/directory-0/file-" + j, RandomContent.of(64, 6 + j), 0755));
          expected.add(Change.modify("/directory-0/file-" + j));
        }
        case 1 -> {
          change.add(new WriteFile("/directory-0/file-6-" + j, RandomContent.of(64, 6 + j), 0755));
          expected.add(Change.add("/directory-0/file-6-" + j));
        }
        default -> {
          change.add(new RemoveAll("/directory-0/file-" + j));
          expected.add(Change.delete("/directory-0/file-" + j));
        }
      }
    }
    List<Change> actual = changes(Fixture.of(base), Fixture.of(change));
    expected.sort(Change.BY_PATH);
    assertThat(actual).hasSize(21).containsExactlyElementsOf(expected);
  }

  @Test
  void deletedSubtree_onlyTopReported_parentModified() throws IOException {
    assertThat(changes(
        Fixture.of(new CreateDir("/x", 0755), new CreateDir("/x/y", 0755),
            new WriteFile("/x/y/z", bytes("z"), 0644)),
        Fixture.of(new RemoveAll("/x/y"))))
        .containsExactly(Change.modify("/x"), Change.delete("/x/y"));
  }

  @Test
  void directoryReplacedByFile_oneModify_fileByDirectory_modifyAndAdds() throws IOException {
    assertThat(changes(
        Fixture.of(new CreateDir("/x", 0755), new WriteFile("/x/c", bytes("c"), 0644),
            new WriteFile("/y", bytes("y"), 0644)),
        Fixture.of(new RemoveAll("/x"), new WriteFile("/x", bytes("file"), 0644),
            new RemoveAll("/y"), new CreateDir("/y", 0755), new WriteFile("/y/c", bytes("c"), 0644))))
        .containsExactly(Change.modify("/x"), Change.modify("/y"), Change.add("/y/c"));
  }

  @Test
  void directoryMtimeAndUserXattr_ignored_modeAndCapability_seen() throws IOException {
    Fixture base = Fixture.of(new CreateDir("/d", 0755), new WriteFile("/f", bytes("f"), 0644),
        new CreateDir("/m", 0755), new WriteFile("/g", bytes("g"), 0644));
    List<FsOp> change = new ArrayList<>(List.of(new FsOp.SetTimes("/d", 5, 5),
        new FsOp.SetXattr("/f", "user.x", bytes("1")), new FsOp.Chmod("/m", 0700)));
    List<Change> expected = new ArrayList<>(List.of(Change.modify("/m")));
    if (Host.isRoot()) {
      change.add(new FsOp.SetXattr("/g", "security.capability",
          new byte[] {1, 0, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
      expected.add(0, Change.modify("/g"));
    }
    assertThat(changes(base, Fixture.of(change))).containsExactlyElementsOf(expected);
  }

  @Test
  void mtime_wholeSecondTolerance_asMoby() throws IOException {
    Fixture base = Fixture.of(new WriteFile("/a", bytes("a"), 0644), new WriteFile("/b", bytes("b"), 0644));
    List<Change> none = changes(base, Fixture.of());
    assertThat(none).isEmpty();
    Path l = tmp.resolve("l");
    var a = Posix.get().lstat(l.resolve("a"));
    // same second, nsec 0 on one side: equal for moby
    Posix.get().setTimes(l.resolve("a"), 0, 0, a.mtimeSec(), 0);
    // same second, both nsec non-zero and different: modified
    var b = Posix.get().lstat(l.resolve("b"));
    Posix.get().setTimes(l.resolve("b"), 0, 0, b.mtimeSec(), b.mtimeNsec() == 1 ? 2 : 1);
    assertThat(ExpectedChanges.between(parent, TreeManifest.of(l))).containsExactly(Change.modify("/b"));
  }

  @Test
  void size_countsRegularFilesOncePerInode_roundTripKeepsUncarriedFromParent() throws IOException {
    List<Change> c = changes(
        Fixture.of(new WriteFile("/old", bytes("12345"), 0644), new CreateDir("/d", 0755)),
        Fixture.of(new WriteFile("/new", bytes("1234567"), 0644), new FsOp.Link("/d/new2", "/new"),
            new FsOp.Symlink("/s", "new"), new FsOp.SetXattr("/old", "user.x", bytes("1"))));
    TreeManifest layer = TreeManifest.of(tmp.resolve("l"));
    assertThat(c).containsExactly(Change.modify("/d"), Change.add("/d/new2"), Change.add("/new"),
        Change.add("/s"));
    assertThat(ExpectedChanges.size(layer, c)).isEqualTo(7);
    TreeManifest rt = ExpectedChanges.roundTrip(parent, layer, c);
    assertThat(rt.get("/old").xattrs()).as("uncarried entry as in the parent").isEmpty();
    assertThat(rt.get("/new").mtimeNsec()).as("carried entries in whole seconds").isZero();
    assertThat(rt.hardlinkGroups()).containsExactly(List.of("/d/new2", "/new"));
  }
}
