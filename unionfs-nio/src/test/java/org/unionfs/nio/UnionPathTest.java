package org.unionfs.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.union.UnionConfig;

/**
 * {@link UnionPath} against the default provider's Unix paths as the oracle: every query and
 * transformation on the same strings must give the same strings (jimfs's real-filesystem checks).
 */
class UnionPathTest {
  private static final String[] SAMPLES = {"/", "", "a", "/a", "a/b", "/a/b/c", "a//b/", "/a/./b/../c", "..",
      "../a", "a/..", "/..", "./a", ".", "/a/b/", "x/y/z/..", "ünï/sp ace", "/a/b/../../.."};

  @TempDir
  Path tmp;
  FileSystem fs;

  @BeforeEach
  void open() throws IOException {
    fs = UnionFileSystems.open(UnionConfig.of(Files.createDirectory(tmp.resolve("up")), List.of()));
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private void same(Function<Path, Object> f) {
    for (String s : SAMPLES) {
      Object expected = String.valueOf(f.apply(Path.of(s)));
      Object actual = String.valueOf(f.apply(fs.getPath(s)));
      assertThat(actual).as("'%s'", s).isEqualTo(expected);
    }
  }

  @Test
  void queries_matchDefaultProvider() {
    same(Path::toString);
    same(Path::isAbsolute);
    same(Path::getRoot);
    same(Path::getFileName);
    same(Path::getParent);
    same(Path::getNameCount);
    same(Path::normalize);
    same(p -> {
      List<String> names = new ArrayList<>();
      p.forEach(n -> names.add(n.toString()));
      return names;
    });
    same(p -> p.getNameCount() > 1 ? p.subpath(1, p.getNameCount()) : "-");
    same(p -> p.getNameCount() > 0 ? p.getName(0) : "-");
  }

  @Test
  void resolveRelativizeStartsEnds_matchDefaultProvider() {
    for (String a : SAMPLES) {
      for (String b : SAMPLES) {
        Path da = Path.of(a);
        Path db = Path.of(b);
        Path ua = fs.getPath(a);
        Path ub = fs.getPath(b);
        assertThat(ua.resolve(ub).toString()).as("%s resolve %s", a, b).isEqualTo(da.resolve(db).toString());
        assertThat(ua.resolve(b).toString()).isEqualTo(da.resolve(b).toString());
        assertThat(ua.startsWith(ub)).as("%s startsWith %s", a, b).isEqualTo(da.startsWith(db));
        assertThat(ua.endsWith(ub)).as("%s endsWith %s", a, b).isEqualTo(da.endsWith(db));
        assertThat(ua.equals(ub)).isEqualTo(da.equals(db));
        assertThat(Integer.signum(ua.compareTo(ub))).as("%s compareTo %s", a, b)
            .isEqualTo(Integer.signum(da.compareTo(db)));
        if (da.isAbsolute() == db.isAbsolute() && !a.contains("..") && !b.contains("..")
            && !a.contains("./") && !b.contains("./") && !a.equals(".") && !b.equals(".")) {
          assertThat(ua.relativize(ub).toString()).as("%s relativize %s", a, b)
              .isEqualTo(da.relativize(db).toString());
        }
      }
    }
  }

  @Test
  void equalsHashCode_dependOnTextAndFileSystem() throws IOException {
    assertThat(fs.getPath("/a/b")).isEqualTo(fs.getPath("/a", "b")).hasSameHashCodeAs(fs.getPath("/a//b/"));
    assertThat(fs.getPath("/a")).isNotEqualTo(Path.of("/a")).isNotEqualTo(fs.getPath("a"));
    try (FileSystem other = UnionFileSystems.open(UnionConfig.of(Files.createDirectory(tmp.resolve("o")),
        List.of()))) {
      assertThat(fs.getPath("/a")).isNotEqualTo(other.getPath("/a"));
      assertThatThrownBy(() -> fs.getPath("/a").resolve(other.getPath("b")))
          .isInstanceOf(ProviderMismatchException.class);
      assertThat(fs.getPath("/a").startsWith(other.getPath("/a"))).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/a", "/a/b c/ü", "rel/x", "/x%y#z?w"})
  void toUri_roundTripsThroughPathOf(String s) {
    Path p = fs.getPath(s);
    URI uri = p.toUri();
    assertThat(uri.getScheme()).isEqualTo("union");
    assertThat(Path.of(uri)).isEqualTo(p.toAbsolutePath().normalize());
  }

  @Test
  void foreignPaths_andNul_areRejected() {
    assertThatThrownBy(() -> fs.getPath("/a").resolve(Path.of("b"))).isInstanceOf(ProviderMismatchException.class);
    assertThatThrownBy(() -> fs.getPath("/a").relativize(Path.of("/b"))).isInstanceOf(ProviderMismatchException.class);
    assertThat(fs.getPath("/a").startsWith(Path.of("/a"))).isFalse();
    assertThatThrownBy(() -> fs.getPath("a\0b")).isInstanceOf(InvalidPathException.class);
    assertThatThrownBy(() -> fs.getPath("/a").relativize(fs.getPath("b"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fs.getPath("/a").getName(3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pathMatcher_globAndRegex() {
    assertThat(fs.getPathMatcher("glob:**/*.txt").matches(fs.getPath("/a/b.txt"))).isTrue();
    assertThat(fs.getPathMatcher("glob:*.txt").matches(fs.getPath("/a/b.txt"))).isFalse();
    assertThat(fs.getPathMatcher("regex:.*b\\.txt").matches(fs.getPath("/a/b.txt"))).isTrue();
    assertThat(fs.getPathMatcher("glob:**").matches(Path.of("/a"))).isFalse();
  }
}
