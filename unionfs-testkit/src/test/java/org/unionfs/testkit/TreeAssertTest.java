package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.testkit.Fixture.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.Posix;

/** The comparison sees every attribute it promises to compare. */
class TreeAssertTest {
  @TempDir
  Path tmp;
  Path a;
  Path b;

  private static final Fixture TREE = Fixture.of(new FsOp.CreateDir("/d", 0755),
      new FsOp.WriteFile("/d/f", bytes("content"), 0644), new FsOp.Symlink("/s", "d/f"),
      new FsOp.Link("/d/g", "/d/f"), new FsOp.WriteFile("/h", bytes("h"), 0600),
      new FsOp.SetXattr("/h", "user.k", bytes("v")));

  @BeforeEach
  void twoEqualTrees() throws IOException {
    a = Files.createDirectory(tmp.resolve("a"));
    b = Files.createDirectory(tmp.resolve("b"));
    TREE.applyTo(a, Fixture.Clock.forLayer(0));
    TREE.applyTo(b, Fixture.Clock.forLayer(0));
  }

  private List<String> diffs() throws IOException {
    return TreeAssert.differences(TreeManifest.of(a), TreeManifest.of(b));
  }

  @Test
  void equalTrees_noDifference() throws IOException {
    assertThat(diffs()).isEmpty();
    assertThat(TreeManifest.of(a).hardlinkGroups()).containsExactly(List.of("/d/f", "/d/g"));
  }

  @Test
  void everyAttribute_isCompared() throws IOException {
    FsOp.chmod(b.resolve("h"), 04600);
    assertThat(diffs()).singleElement().asString().contains("/h: mode 4600, expected 0600");
    FsOp.chmod(b.resolve("h"), 0600);

    var st = Posix.get().lstat(a.resolve("h"));
    Files.writeString(b.resolve("h"), "H");
    Posix.get().setTimes(b.resolve("h"), 0, 0, st.mtimeSec(), st.mtimeNsec());
    assertThat(diffs()).singleElement().asString().contains("/h: content differs");
    Files.writeString(b.resolve("h"), "h");
    assertThat(diffs()).singleElement().asString().contains("/h: mtime");
    Posix.get().setTimes(b.resolve("h"), 0, 0, st.mtimeSec(), st.mtimeNsec() + 1);
    assertThat(diffs()).singleElement().asString().contains("/h: mtime");
    Posix.get().setTimes(b.resolve("h"), 0, 0, st.mtimeSec(), st.mtimeNsec());
    assertThat(diffs()).isEmpty();

    Files.writeString(b.resolve("d/f"), "content!");
    assertThat(String.join("\n", diffs())).contains("/d/f: size 8, expected 7", "/d/g: size 8");
    Files.writeString(b.resolve("d/f"), "content");
    var f = Posix.get().lstat(a.resolve("d/f"));
    Posix.get().setTimes(b.resolve("d/f"), 0, 0, f.mtimeSec(), f.mtimeNsec());
    assertThat(diffs()).isEmpty();

    Posix.get().setXattr(b.resolve("h"), "user.k", bytes("w"));
    assertThat(diffs()).singleElement().asString().contains("/h: xattrs");
    Posix.get().setXattr(b.resolve("h"), "user.k", bytes("v"));

    var s = Posix.get().lstat(b.resolve("s"));
    Files.delete(b.resolve("s"));
    Files.createSymbolicLink(b.resolve("s"), Path.of("d/g"));
    Posix.get().setTimes(b.resolve("s"), 0, 0, s.mtimeSec(), s.mtimeNsec());
    assertThat(diffs()).singleElement().asString().contains("/s: symlink target d/g, expected d/f");
  }

  @Test
  void brokenHardlink_presenceAndType_areCompared() throws IOException {
    var st = Posix.get().lstat(b.resolve("d/g"));
    var dst = Posix.get().lstat(b.resolve("d"));
    Files.delete(b.resolve("d/g"));
    Files.writeString(b.resolve("d/g"), "content");
    FsOp.chmod(b.resolve("d/g"), 0644);
    Posix.get().setTimes(b.resolve("d/g"), 0, 0, st.mtimeSec(), st.mtimeNsec());
    Posix.get().setTimes(b.resolve("d"), 0, 0, dst.mtimeSec(), dst.mtimeNsec());
    assertThat(diffs()).singleElement().asString().startsWith("hardlink groups");

    Files.delete(b.resolve("h"));
    Files.createDirectory(b.resolve("x"));
    assertThat(String.join("\n", diffs())).contains("/h: missing", "/x: unexpected");
    assertThatThrownBy(() -> TreeAssert.assertTreesEqual(TreeManifest.of(a), TreeManifest.of(b), "ctx"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("ctx").hasMessageContaining("/h: missing");
  }

  @Test
  void owner_isCompared() throws IOException {
    Assumptions.assumeTrue(Host.isRoot(), () -> Host.needsRoot("chown"));
    Posix.get().lchown(b.resolve("s"), 1, 2);
    assertThat(diffs()).singleElement().asString().contains("/s: owner 1:2, expected 0:0");
  }
}
