package org.unionfs.api.posix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixTest {
  private final Posix posix = Posix.get();

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  void lstat_agreesWithTheJdk(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("f");
    Files.writeString(f, "hello");
    Files.createLink(dir.resolve("g"), f);
    FileStat st = posix.lstat(f);
    Map<String, Object> jdk = Files.readAttributes(f, "unix:*", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    assertThat(st.ino()).isEqualTo(((Number) jdk.get("ino")).longValue());
    assertThat(st.dev()).isEqualTo(((Number) jdk.get("dev")).longValue());
    assertThat(st.mode()).isEqualTo(((Number) jdk.get("mode")).intValue());
    assertThat(st.uid()).isEqualTo(((Number) jdk.get("uid")).intValue());
    assertThat(st.nlink()).isEqualTo(2);
    assertThat(st.size()).isEqualTo(5);
    assertThat(st.isRegularFile()).isTrue();
    FileTime mtime = (FileTime) jdk.get("lastModifiedTime");
    assertThat(st.mtimeSec() * 1_000_000_000L + st.mtimeNsec()).isEqualTo(mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  @Test
  void lstat_doesNotFollowSymlinks(@TempDir Path dir) throws Exception {
    Path link = dir.resolve("l");
    Files.createSymbolicLink(link, Path.of("/nonexistent/target"));
    FileStat st = posix.lstat(link);
    assertThat(st.isSymbolicLink()).isTrue();
    assertThat(st.size()).isEqualTo("/nonexistent/target".length());
  }

  @Test
  void lstat_missing_isNoSuchFile(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> posix.lstat(dir.resolve("nope"))).isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("nope");
    assertThat(posix.lstatIfExists(dir.resolve("nope"))).isEmpty();
    assertThat(posix.lstatIfExists(dir.resolve("nope/deeper"))).isEmpty();
  }

  @Test
  void userXattrs_roundTrip(@TempDir Path dir) throws Exception {
    Path f = Files.createFile(dir.resolve("x"));
    posix.setXattr(f, "user.test", "v1".getBytes(StandardCharsets.UTF_8));
    assertThat(posix.listXattrs(f)).contains("user.test");
    assertThat(posix.getXattr(f, "user.test")).hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("v1"));
    posix.setXattr(f, "user.empty", new byte[0]);
    assertThat(posix.getXattr(f, "user.empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
    posix.removeXattr(f, "user.test");
    posix.removeXattr(f, "user.test"); // absent: no error
    assertThat(posix.getXattr(f, "user.test")).isEmpty();
  }

  @Test
  void trustedAndSecurityXattrs_asRoot(@TempDir Path dir) throws Exception {
    assumeTrue(isRoot(), "trusted.* and security.* xattrs need root");
    Path f = Files.createFile(dir.resolve("x"));
    posix.setXattr(f, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
    byte[] cap = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    posix.setXattr(f, "security.capability", cap);
    assertThat(posix.listXattrs(f)).contains("trusted.overlay.opaque", "security.capability");
    assertThat(posix.getXattr(f, "security.capability")).hasValue(cap);
  }

  @Test
  void setTimes_onSymlinkItself_withNanoseconds(@TempDir Path dir) throws Exception {
    Path target = Files.createFile(dir.resolve("t"));
    Path link = dir.resolve("l");
    Files.createSymbolicLink(link, target.getFileName());
    FileStat before = posix.lstat(target);
    posix.setTimes(link, 1_000_000_000L, 5, 1_234_567_890L, 123_456_789L);
    FileStat st = posix.lstat(link);
    assertThat(st.mtimeSec()).isEqualTo(1_234_567_890L);
    assertThat(st.mtimeNsec()).isEqualTo(123_456_789L);
    assertThat(posix.lstat(target).mtimeSec()).isEqualTo(before.mtimeSec());
  }

  @Test
  void mknod_fifoAndDevice(@TempDir Path dir) throws Exception {
    posix.mknod(dir.resolve("fifo"), FileStat.S_IFIFO | 0640, 0);
    assertThat(posix.lstat(dir.resolve("fifo")).isFifo()).isTrue();
    assumeTrue(isRoot(), "device nodes need root");
    posix.mknod(dir.resolve("null"), FileStat.S_IFCHR | 0666, FileStat.makedev(1, 3));
    FileStat st = posix.lstat(dir.resolve("null"));
    assertThat(st.isCharDevice()).isTrue();
    assertThat(st.rdevMajor()).isEqualTo(1);
    assertThat(st.rdevMinor()).isEqualTo(3);
    posix.mknod(dir.resolve("wh"), FileStat.S_IFCHR, 0);
    assertThat(posix.lstat(dir.resolve("wh")).isOverlayWhiteout()).isTrue();
  }

  @Test
  void makedev_roundTripsLargeNumbers() {
    long dev = FileStat.makedev(259, 70000);
    FileStat st = new FileStat(0, 0, FileStat.S_IFBLK, 1, 0, 0, dev, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(st.rdevMajor()).isEqualTo(259);
    assertThat(st.rdevMinor()).isEqualTo(70000);
  }

  @Test
  void lchown_onSymlink_asRoot(@TempDir Path dir) throws Exception {
    assumeTrue(isRoot(), "chown to another uid needs root");
    Path link = dir.resolve("l");
    Files.createSymbolicLink(link, Path.of("missing"));
    posix.lchown(link, 1, 2);
    FileStat st = posix.lstat(link);
    assertThat(st.uid()).isEqualTo(1);
    assertThat(st.gid()).isEqualTo(2);
  }

  @Test
  void statfs_namesTheFilesystem(@TempDir Path dir) throws Exception {
    StatFs fs = posix.statfs(dir);
    assertThat(fs.blockSize()).isPositive();
    assertThat(fs.dockerName()).isNotBlank();
    assertThat(posix.statfs(Path.of("/proc")).type()).isEqualTo(0x9fa0L);
  }

  @Test
  void cloneFile_reportsUnsupportedInsteadOfFailing(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src");
    Files.writeString(src, "data");
    Path dst = Files.createFile(dir.resolve("dst"));
    boolean cloned = posix.cloneFile(src, dst);
    if (cloned) {
      assertThat(Files.readString(dst)).isEqualTo("data");
    } else {
      assertThat(Files.size(dst)).isZero();
    }
  }
}
