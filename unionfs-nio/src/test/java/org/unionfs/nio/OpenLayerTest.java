package org.unionfs.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UnionFileSystems#openLayer} on the on-disk layouts of aufs, overlay2 and vfs. */
class OpenLayerTest {
  @TempDir
  Path home;

  @Test
  void aufsLayer_readOnly_seesParents_refusesWrites() throws IOException {
    Files.createDirectories(home.resolve("diff/base/etc"));
    Files.createDirectories(home.resolve("diff/top"));
    Files.createDirectories(home.resolve("layers"));
    Files.writeString(home.resolve("diff/base/etc/os-release"), "ID=test\n");
    Files.writeString(home.resolve("diff/base/gone"), "x");
    Files.writeString(home.resolve("diff/top/.wh.gone"), "");
    Files.writeString(home.resolve("layers/base"), "");
    Files.writeString(home.resolve("layers/top"), "base\n");
    try (FileSystem fs = UnionFileSystems.openLayer(home, "aufs", "top", false)) {
      assertThat(Files.readString(fs.getPath("/etc/os-release"))).isEqualTo("ID=test\n");
      assertThat(Files.exists(fs.getPath("/gone"))).isFalse();
      assertThat(fs.isReadOnly()).isTrue();
      assertThatThrownBy(() -> Files.writeString(fs.getPath("/new"), "x"))
          .isInstanceOf(ReadOnlyFileSystemException.class);
    }
  }

  @Test
  void overlay2Layer_writable_writesItsDiff() throws IOException {
    Files.createDirectories(home.resolve("base/diff"));
    Files.createDirectories(home.resolve("top/diff"));
    Files.createDirectories(home.resolve("l"));
    Files.createSymbolicLink(home.resolve("l/BASE"), Path.of("../base/diff"));
    Files.writeString(home.resolve("top/lower"), "l/BASE");
    Files.writeString(home.resolve("base/diff/a"), "A");
    try (FileSystem fs = UnionFileSystems.openLayer(home, "overlay2", "top", true)) {
      Files.writeString(fs.getPath("/a"), "changed");
      assertThat(Files.readString(home.resolve("top/diff/a"))).isEqualTo("changed");
      assertThat(Files.readString(home.resolve("base/diff/a"))).isEqualTo("A");
    }
  }

  @Test
  void vfsLayer_isPassthrough() throws IOException {
    Files.createDirectories(home.resolve("dir/one"));
    try (FileSystem fs = UnionFileSystems.openLayer(home, "vfs", "one", true)) {
      Files.createDirectory(fs.getPath("/d"));
      assertThat(Files.isDirectory(home.resolve("dir/one/d"))).isTrue();
    }
  }
}
