package org.unionfs.api.union;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Union paths close to PATH_MAX, whose real paths (branch root in front) are longer than the kernel takes
 * in one string: every operation must work on them as on short paths (pjdfstest's *.03 cases).
 */
class UnionLongPathTest {
  /** Names of 204 bytes: 20 of them nest 4,100 bytes deep (with the slashes), under PATH_MAX. */
  private static final String SEG = "d".repeat(203);

  @TempDir Path tmp;
  Path upper;
  Path low;
  UnionFileSystem fs;

  @BeforeEach
  void setUp() throws IOException {
    upper = Files.createDirectory(tmp.resolve("upper"));
    low = Files.createDirectory(tmp.resolve("low"));
  }

  @AfterEach
  void tearDown() throws IOException, InterruptedException {
    if (fs != null) {
      fs.close();
    }
    // JUnit's clean-up cannot name entries past PATH_MAX; rm walks relative to each directory
    Process rm = new ProcessBuilder("rm", "-rf", upper.toString(), low.toString()).inheritIO().start();
    assertThat(rm.waitFor()).isZero();
  }

  /** Creates /SEG1/SEG2/... through the union, {@code depth} levels; returns the deepest path. */
  private String nest(int depth) throws IOException {
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      p.append('/').append(SEG).append(i % 10);
      fs.mkdir(p.toString(), 0755, Caller.PROCESS);
    }
    return p.toString();
  }

  private String read(String path) throws IOException {
    long h = fs.open(path, UnionFileSystem.O_RDONLY);
    try {
      ByteBuffer b = ByteBuffer.allocate(4096);
      fs.read(h, b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    } finally {
      fs.release(h);
    }
  }

  private void write(String path, String content) throws IOException {
    long h = fs.create(path, 0644, UnionFileSystem.O_WRONLY, Caller.PROCESS);
    try {
      fs.write(h, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
    } finally {
      fs.release(h);
    }
  }

  @Test
  void everyOperation_worksOnPathsPastPathMaxOfTheBranch() throws IOException {
    fs = UnionFileSystem.open(UnionConfig.of(upper, List.of(low)));
    String dir = nest(20);
    assertThat(upper.toString().length() + dir.length()).isGreaterThan(4096);
    String f = dir + "/f";
    write(f, "deep");
    assertThat(read(f)).isEqualTo("deep");
    assertThat(fs.getattr(f).size()).isEqualTo(4);
    fs.chmod(f, 0600);
    assertThat(fs.getattr(f).mode() & 07777).isEqualTo(0600);
    fs.truncate(f, 2);
    assertThat(read(f)).isEqualTo("de");
    fs.setxattr(f, "user.k", "v".getBytes(StandardCharsets.UTF_8), 0);
    assertThat(fs.listxattr(f)).contains("user.k");
    fs.symlink("target", dir + "/l", Caller.PROCESS);
    assertThat(fs.readlink(dir + "/l")).isEqualTo("target");
    fs.link(f, dir + "/h");
    assertThat(fs.getattr(f).nlink()).isEqualTo(2);
    fs.rename(f, dir + "/g", 0);
    assertThat(fs.getattrIfExists(f)).isNull();
    assertThat(read(dir + "/g")).isEqualTo("de");
    assertThat(fs.list(dir).stream().map(DirEntry::name).sorted().toList()).containsExactly("g", "h", "l");
    for (String n : List.of("g", "h", "l")) {
      fs.unlink(dir + "/" + n);
    }
    fs.rmdir(dir);
    assertThatThrownBy(() -> fs.getattr(dir)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void lowerEntries_pastPathMax_areReadAndCopiedUp() throws IOException {
    Path real = low;
    StringBuilder union = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      real = real.resolve(SEG + (i % 10));
      union.append('/').append(SEG).append(i % 10);
    }
    // build the lower tree relative to its directories, as the JDK cannot name it in one string
    Path cursor = low;
    for (int i = 0; i < 20; i++) {
      cursor = Files.createDirectory(shortcut(cursor, SEG + (i % 10)));
    }
    Files.writeString(shortcut(cursor, "low"), "lower data");
    fs = UnionFileSystem.open(UnionConfig.of(upper, List.of(low)));
    String f = union + "/low";
    assertThat(read(f)).isEqualTo("lower data");
    long h = fs.open(f, UnionFileSystem.O_WRONLY | UnionFileSystem.O_APPEND);
    try {
      fs.write(h, ByteBuffer.wrap("+".getBytes(StandardCharsets.UTF_8)), 0);
    } finally {
      fs.release(h);
    }
    assertThat(read(f)).isEqualTo("lower data+");
    fs.unlink(f);
    assertThat(fs.getattrIfExists(f)).isNull();
    assertThat(fs.list(union.toString())).isEmpty();
  }

  /** {@code dir/name}, named through an open descriptor of {@code dir} once the string would get too long. */
  private static Path shortcut(Path dir, String name) throws IOException {
    if (dir.toString().length() < 3000) {
      return dir.resolve(name);
    }
    Path hop = dir;
    StringBuilder rest = new StringBuilder(name);
    while (hop.toString().length() >= 3000) {
      rest.insert(0, hop.getFileName() + "/");
      hop = hop.getParent();
    }
    // /proc/self/cwd is no use here; a shell-free way: a symlink next to the temp dir pointing deep
    Path link = Files.createTempFile(hop.getRoot().resolve("tmp"), "deep", ".lnk");
    Files.delete(link);
    Files.createSymbolicLink(link, hop);
    link.toFile().deleteOnExit();
    return link.resolve(rest.toString());
  }
}
