package org.unionfs.nio;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.union.UnionConfig;

/** Bad input on every entry point: clear, typed exceptions naming what was wrong. */
class BadInputTest {
  @TempDir
  Path tmp;

  private final UnionFileSystemProvider provider = UnionFileSystemProvider.instance();

  @Test
  void uris_mustBeUnionAbsoluteHierarchical() {
    Map<String, Object> env = Map.of("branches", List.of(tmp.toString()));
    assertThatThrownBy(() -> provider.newFileSystem(URI.create("relative/name"), env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
    assertThatThrownBy(() -> provider.newFileSystem(URI.create("file:/x"), env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
    assertThatThrownBy(() -> provider.newFileSystem(URI.create("union:opaque"), env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hierarchical");
    assertThatThrownBy(() -> provider.newFileSystem(URI.create("union:/a?q=1"), env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("query");
    assertThatThrownBy(() -> provider.newFileSystem(URI.create("union:/a!/b"), env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("!");
    assertThatThrownBy(() -> provider.newFileSystem(URI.create("union:/"), env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> Path.of(URI.create("union:/not/open!/x")))
        .isInstanceOf(java.nio.file.FileSystemNotFoundException.class);
  }

  @Test
  void env_missingOrUnknownOrMalformed_isNamed() {
    URI uri = URI.create("union:/bad/env");
    assertThatThrownBy(() -> FileSystems.newFileSystem(uri, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing 'branches'");
    assertThatThrownBy(() -> FileSystems.newFileSystem(uri, Map.of("branches", tmp.toString(), "colour", "red")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'colour'");
    assertThatThrownBy(() -> FileSystems.newFileSystem(uri, Map.of("branches", 42)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'branches'");
    assertThatThrownBy(() -> FileSystems.newFileSystem(uri, Map.of("branches", tmp.toString(), "whiteout", "zfs")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'whiteout'");
    assertThatThrownBy(() -> FileSystems.newFileSystem(uri, Map.of("branches", tmp.toString(), "readOnly", "maybe")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'readOnly'");
    assertThatThrownBy(() -> FileSystems.newFileSystem(uri, Map.of("branches", "a=ro:b=rw")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only the first branch");
  }

  @Test
  void missingBranch_isNoSuchFile_namingIt() {
    Path gone = tmp.resolve("gone");
    assertThatThrownBy(() -> FileSystems.newFileSystem(URI.create("union:/bad/missing"),
        Map.of("branches", List.of(gone))))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining(gone.toString());
  }

  @Test
  void foreignPaths_areProviderMismatch() throws IOException {
    try (FileSystem fs = UnionFileSystems.open(UnionConfig.of(Files.createDirectory(tmp.resolve("u")), List.of()))) {
      Path plain = Files.writeString(tmp.resolve("plain"), "p");
      assertThatThrownBy(() -> fs.provider().delete(plain)).isInstanceOf(ProviderMismatchException.class);
      assertThatThrownBy(() -> fs.provider().newByteChannel(plain, java.util.Set.of()))
          .isInstanceOf(ProviderMismatchException.class);
      assertThatThrownBy(() -> Files.createSymbolicLink(fs.getPath("/l"), plain))
          .isInstanceOf(ProviderMismatchException.class);
      assertThatThrownBy(() -> FileSystems.newFileSystem(URI.create("union:/bad/nested"),
          Map.of("branches", List.of(fs.getPath("/")))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default file system");
      // across providers the JDK copies by itself
      Files.copy(plain, fs.getPath("/copied"));
      Files.copy(fs.getPath("/copied"), tmp.resolve("back"));
      assertThatThrownBy(() -> Files.newDirectoryStream(fs.getPath("/copied")))
          .isInstanceOf(NotDirectoryException.class).hasMessageContaining("/copied");
    }
  }

  @Test
  void openLayer_badDriverOrId_orMissingLayer() {
    assertThatThrownBy(() -> UnionFileSystems.openLayer(tmp, "zfs", "abc", false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zfs");
    assertThatThrownBy(() -> UnionFileSystems.openLayer(tmp, "aufs", "../etc", false))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> UnionFileSystems.openLayer(tmp, "aufs", "nope", false))
        .isInstanceOf(LayerNotFoundException.class).hasMessageContaining("nope");
  }
}
