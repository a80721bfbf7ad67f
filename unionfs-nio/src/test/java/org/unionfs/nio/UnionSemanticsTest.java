package org.unionfs.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.union.UnionConfig;

/** What a union does that a plain directory does not: whiteouts, copy-up, opaque directories, lifecycle. */
class UnionSemanticsTest {
  @TempDir
  Path tmp;

  private Path upper;
  private Path lower;

  private FileSystem open(String name, Map<String, ?> extra) throws IOException {
    upper = Files.createDirectories(tmp.resolve("upper"));
    lower = Files.createDirectories(tmp.resolve("lower"));
    Files.createDirectories(lower.resolve("etc/sub"));
    Files.writeString(lower.resolve("etc/hosts"), "lower hosts");
    Files.writeString(lower.resolve("etc/sub/deep"), "deep");
    Files.writeString(lower.resolve("keep"), "kept");
    java.util.HashMap<String, Object> env = new java.util.HashMap<>(extra);
    env.putIfAbsent("branches", List.of(upper + "=rw", lower + "=ro"));
    return FileSystems.newFileSystem(URI.create("union:/test/" + name), env);
  }

  @Test
  void delete_ofLowerFile_leavesAufsWhiteout_lowerUntouched() throws IOException {
    try (FileSystem fs = open("wh", Map.of())) {
      Files.delete(fs.getPath("/etc/hosts"));
      assertThat(Files.exists(fs.getPath("/etc/hosts"))).isFalse();
      assertThat(Files.exists(upper.resolve("etc/.wh.hosts"))).isTrue();
      assertThat(Files.readString(lower.resolve("etc/hosts"))).isEqualTo("lower hosts");
      assertThat(ProviderOracleTest.sortedNames(fs.getPath("/etc"), "*")).containsExactly("sub");
    }
  }

  @Test
  void write_ofLowerFile_copiesUp() throws IOException {
    try (FileSystem fs = open("cu", Map.of())) {
      Files.writeString(fs.getPath("/etc/hosts"), " appended", java.nio.file.StandardOpenOption.APPEND);
      assertThat(Files.readString(fs.getPath("/etc/hosts"))).isEqualTo("lower hosts appended");
      assertThat(Files.readString(upper.resolve("etc/hosts"))).isEqualTo("lower hosts appended");
      assertThat(Files.readString(lower.resolve("etc/hosts"))).isEqualTo("lower hosts");
      assertThat(Files.exists(upper.resolve("keep"))).isFalse();
    }
  }

  @Test
  void recreatedDirectory_isOpaque() throws IOException {
    try (FileSystem fs = open("opq", Map.of())) {
      Path etc = fs.getPath("/etc");
      try (var walk = Files.walk(etc)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      Files.createDirectory(etc);
      assertThat(ProviderOracleTest.sortedNames(etc, "*")).isEmpty();
      assertThat(Files.exists(upper.resolve("etc/.wh..wh..opq"))).isTrue();
      assertThat(Files.exists(lower.resolve("etc/sub/deep"))).isTrue();
    }
  }

  @Test
  void overlayWhiteouts_whenAsked() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(UnionConfig.processIsRoot(),
        "overlay whiteouts are 0/0 character devices: mknod needs root");
    try (FileSystem fs = open("ov", Map.of("whiteout", "overlay"))) {
      Files.delete(fs.getPath("/keep"));
      FileStat st = Posix.get().lstat(upper.resolve("keep"));
      assertThat(st.isOverlayWhiteout()).isTrue();
      assertThat(Files.exists(fs.getPath("/keep"))).isFalse();
    }
  }

  @Test
  void createFile_withUnixMode_makesFifo() throws IOException {
    try (FileSystem fs = open("fifo", Map.of())) {
      Path fifo = fs.getPath("/fifo");
      Files.createFile(fifo, attr("unix:mode", FileStat.S_IFIFO | 0640));
      assertThat(Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther()).isTrue();
      assertThat(Posix.get().lstat(upper.resolve("fifo")).isFifo()).isTrue();
      assertThatThrownBy(() -> Files.newByteChannel(fs.getPath("/x"), java.util.Set.of(
          java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.CREATE),
          attr("unix:mode", FileStat.S_IFIFO | 0640))).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void xattrView_readsAndRemovesFullNames() throws IOException {
    try (FileSystem fs = open("xa", Map.of())) {
      Path f = fs.getPath("/keep");
      Files.setAttribute(f, "xattr:user.one", new byte[] {1, 2});
      assertThat(Files.readAttributes(f, "xattr:*")).containsOnlyKeys("user.one");
      assertThat(Posix.get().getXattr(upper.resolve("keep"), "user.one")).isPresent();
      Files.setAttribute(f, "xattr:user.one", null);
      assertThat(Files.readAttributes(f, "xattr:*")).isEmpty();
    }
  }

  @Test
  void readOnlyUnion_refusesWrites() throws IOException {
    try (FileSystem fs = open("ro", Map.of("readOnly", true))) {
      assertThat(fs.isReadOnly()).isTrue();
      assertThat(Files.readString(fs.getPath("/keep"))).isEqualTo("kept");
      assertThatThrownBy(() -> Files.writeString(fs.getPath("/new"), "x"))
          .isInstanceOf(ReadOnlyFileSystemException.class);
      assertThatThrownBy(() -> Files.delete(fs.getPath("/keep"))).isInstanceOf(ReadOnlyFileSystemException.class);
      assertThatThrownBy(() -> fs.provider().checkAccess(fs.getPath("/keep"), AccessMode.WRITE))
          .isInstanceOf(AccessDeniedException.class);
      assertThat(Files.getFileStore(fs.getPath("/")).isReadOnly()).isTrue();
    }
  }

  @Test
  void close_releasesBranch_andLaterCallsFail() throws IOException {
    FileSystem fs = open("close", Map.of());
    URI uri = URI.create("union:/test/close");
    assertThat(FileSystems.getFileSystem(uri)).isSameAs(fs);
    assertThatThrownBy(() -> FileSystems.newFileSystem(uri, Map.of("branches", List.of(tmp.toString()))))
        .isInstanceOf(FileSystemAlreadyExistsException.class);
    Path f = fs.getPath("/keep");
    SeekableByteChannel open = Files.newByteChannel(f);
    assertThatThrownBy(() -> UnionFileSystems.open(UnionConfig.of(upper, List.of())))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("in use");
    fs.close();
    fs.close(); // idempotent
    assertThat(fs.isOpen()).isFalse();
    assertThat(open.isOpen()).isFalse();
    assertThatThrownBy(() -> open.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(() -> Files.readString(f)).isInstanceOf(ClosedFileSystemException.class);
    assertThatThrownBy(() -> Files.exists(f)).isInstanceOf(ClosedFileSystemException.class);
    assertThatThrownBy(() -> FileSystems.getFileSystem(uri)).isInstanceOf(FileSystemNotFoundException.class);
    try (FileSystem again = UnionFileSystems.open(UnionConfig.of(upper, List.of(lower)))) {
      assertThat(Files.readString(again.getPath("/keep"))).isEqualTo("kept");
    }
  }

  @Test
  void newFileSystemOfPath_topOverLowers() throws IOException {
    Path top = Files.createDirectories(tmp.resolve("top"));
    Path low = Files.createDirectories(tmp.resolve("low"));
    Files.writeString(low.resolve("a"), "A");
    try (FileSystem fs = FileSystems.newFileSystem(top, Map.of("lowers", List.of(low)))) {
      assertThat(fs.provider()).isInstanceOf(UnionFileSystemProvider.class);
      Files.writeString(fs.getPath("/b"), "B");
      assertThat(Files.readString(fs.getPath("/a"))).isEqualTo("A");
      assertThat(Files.readString(top.resolve("b"))).isEqualTo("B");
      assertThat(Path.of(fs.getPath("/a").toUri())).isEqualTo(fs.getPath("/a"));
    }
  }

  @Test
  void parallelWritersAndReaders_seeTheirOwnFiles() throws Exception {
    try (FileSystem fs = open("par", Map.of())) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int n = t;
          futures.add(pool.submit(() -> {
            Path dir = Files.createDirectories(fs.getPath("/etc/t" + n));
            for (int i = 0; i < 50; i++) {
              Path f = dir.resolve("f" + i);
              Files.writeString(f, n + ":" + i);
              assertThat(Files.readString(f)).isEqualTo(n + ":" + i);
              assertThat(Files.readString(fs.getPath("/etc/hosts"))).isEqualTo("lower hosts");
            }
            return null;
          }));
        }
        for (Future<?> f : futures) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      for (int t = 0; t < 8; t++) {
        assertThat(ProviderOracleTest.sortedNames(fs.getPath("/etc/t" + t), "*")).hasSize(50);
      }
    }
  }

  @Test
  void nofollow_onSymlinkedIntermediate_stillResolves() throws IOException {
    try (FileSystem fs = open("nf", Map.of())) {
      Files.createSymbolicLink(fs.getPath("/e"), fs.getPath("etc"));
      assertThat(Files.exists(fs.getPath("/e/hosts"), LinkOption.NOFOLLOW_LINKS)).isTrue();
      assertThatThrownBy(() -> Files.readString(fs.getPath("/e/nope/x"))).isInstanceOf(NoSuchFileException.class);
    }
  }

  private static FileAttribute<Object> attr(String name, Object value) {
    return new FileAttribute<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Object value() {
        return value;
      }
    };
  }
}
