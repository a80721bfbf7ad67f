package org.unionfs.driver.aufs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.nio.UnionFileSystemProvider;

/** {@code aufs.mountmode=nio}: views are union: paths, nothing is mounted, naive diffs walk copies. */
class AufsNioModeTest {
  @TempDir
  Path tmp;

  private GraphDriver open(Path home) throws IOException {
    return new AufsDriverProvider().open(new DriverContext(home, Map.of("aufs.mountmode", "nio")));
  }

  @Test
  void get_ofChild_isUnionRoot_writesGoToItsDiff() throws IOException {
    Path home = tmp.resolve("home");
    try (GraphDriver d = open(home)) {
      assertThat(d.capabilities()).doesNotContain(DriverCapability.REQUIRES_ROOT);
      d.create("base", null, CreateOptions.NONE);
      Files.writeString(d.get("base", "").resolve("a"), "A");
      d.put("base");
      d.create("child", "base", CreateOptions.NONE);
      Path root = d.get("child", "");
      assertThat(root.getFileSystem().provider()).isInstanceOf(UnionFileSystemProvider.class);
      assertThat(Files.readString(root.resolve("a"))).isEqualTo("A");
      Files.writeString(root.resolve("b"), "B");
      Files.delete(root.resolve("a"));
      assertThat(d.get("child", "")).isEqualTo(root); // the same view while referenced
      d.put("child");
      d.put("child");
      assertThatThrownBy(() -> Files.exists(root.resolve("b"))).isInstanceOf(ClosedFileSystemException.class);
      assertThat(Files.readString(home.resolve("diff/child/b"))).isEqualTo("B");
      assertThat(Files.exists(home.resolve("diff/child/.wh.a"))).isTrue();
      try (Stream<Path> mnt = Files.list(home.resolve("mnt/child"))) {
        assertThat(mnt).isEmpty(); // nothing mounted there
      }
    }
  }

  @Test
  void naiveDiff_walksACopy_andLeavesNoneBehind() throws IOException {
    Path home = tmp.resolve("home");
    try (GraphDriver d = open(home)) {
      d.create("base", null, CreateOptions.NONE);
      d.create("mid", "base", CreateOptions.NONE);
      Files.writeString(d.get("mid", "").resolve("m"), "M");
      d.put("mid");
      d.create("top", "mid", CreateOptions.NONE);
      Files.writeString(d.get("top", "").resolve("t"), "T");
      d.put("top");
      // against the grandparent: naive
      assertThat(d.changes("top", "base").stream().map(c -> c.path()).toList()).containsExactly("/m", "/t");
      try (InputStream in = d.diff("top", "base")) {
        assertThat(in.readAllBytes().length).isGreaterThan(0);
      }
      try (Stream<Path> s = Files.list(home)) {
        assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".diff-"))).isEmpty();
      }
    }
  }

  @Test
  void recovery_deletesLeftoverViewCopies() throws IOException {
    Path home = tmp.resolve("home");
    open(home).close();
    Path leftover = Files.createDirectories(home.resolve(".diff-view-x-1-1/sub"));
    Files.writeString(leftover.resolve("f"), "x");
    open(home).close();
    assertThat(Files.exists(home.resolve(".diff-view-x-1-1"))).isFalse();
  }

  @Test
  void badMountMode_isRefusedNamingTheOption() {
    assertThatThrownBy(() -> new AufsDriverProvider().open(new DriverContext(tmp.resolve("h"),
        Map.of("aufs.mountmode", "nfs")))).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("aufs.mountmode=nfs");
    assertThat(new AufsDriverProvider().probe(new DriverContext(tmp.resolve("h"),
        Map.of("aufs.mountmode", "nio"))).supported()).isTrue();
  }
}
