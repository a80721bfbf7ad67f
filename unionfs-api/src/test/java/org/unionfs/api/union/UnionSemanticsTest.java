package org.unionfs.api.union;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.union.UnionConfig.DirectoryRename;
import org.unionfs.api.union.UnionConfig.WhiteoutFormat;

/** The union's rules one by one, on real temporary directories (the engine needs Linux system calls). */
class UnionSemanticsTest {
  @TempDir Path tmp;
  Path upper;
  Path mid;
  Path low;
  UnionFileSystem fs;
  final Posix posix = Posix.get();

  @BeforeEach
  void setUp() throws IOException {
    upper = Files.createDirectory(tmp.resolve("upper"));
    mid = Files.createDirectory(tmp.resolve("mid"));
    low = Files.createDirectory(tmp.resolve("low"));
  }

  @AfterEach
  void tearDown() throws IOException {
    if (fs != null) {
      fs.close();
    }
  }

  private UnionFileSystem open(WhiteoutFormat format) throws IOException {
    fs = UnionFileSystem.open(UnionConfig.of(upper, List.of(mid, low)).withWhiteoutFormat(format));
    return fs;
  }

  private static void write(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private String read(String path) throws IOException {
    long h = fs.open(path, UnionFileSystem.O_RDONLY);
    try {
      ByteBuffer b = ByteBuffer.allocate(1 << 16);
      fs.read(h, b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    } finally {
      fs.release(h);
    }
  }

  private List<String> names(String dir) throws IOException {
    return fs.list(dir).stream().map(DirEntry::name).sorted().toList();
  }

  @Test
  void lookup_topBranchWins_andDirectoriesMerge() throws IOException {
    write(low.resolve("d/a"), "low-a");
    write(low.resolve("d/b"), "low-b");
    write(mid.resolve("d/a"), "mid-a");
    write(upper.resolve("d/c"), "up-c");
    open(WhiteoutFormat.AUFS);
    assertThat(names("/d")).containsExactly("a", "b", "c");
    assertThat(read("/d/a")).isEqualTo("mid-a");
    assertThat(read("/d/b")).isEqualTo("low-b");
    assertThat(fs.getattr("/d").nlink()).isEqualTo(2);
  }

  @Test
  void aufsWhiteoutsAndOpaqueDirsInLowerBranchesHide() throws IOException {
    write(low.resolve("d/gone"), "x");
    write(low.resolve("d/kept"), "x");
    write(low.resolve("o/hidden"), "x");
    write(mid.resolve("d/.wh.gone"), "");
    write(mid.resolve("o/.wh..wh..opq"), "");
    write(mid.resolve("o/own"), "x");
    open(WhiteoutFormat.AUFS);
    assertThat(names("/d")).containsExactly("kept");
    assertThat(names("/o")).containsExactly("own");
    assertThatThrownBy(() -> fs.getattr("/d/gone")).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> fs.getattr("/o/hidden")).isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> fs.getattr("/d/.wh.gone")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void overlayWhiteoutsAndOpaqueXattrsInLowerBranchesHide() throws IOException {
    write(low.resolve("d/gone"), "x");
    write(low.resolve("d/kept"), "x");
    write(low.resolve("o/hidden"), "x");
    write(low.resolve("u/hidden"), "x");
    Files.createDirectories(mid.resolve("d"));
    posix.mknod(mid.resolve("d/gone"), FileStat.S_IFCHR, 0);
    write(mid.resolve("o/own"), "x");
    posix.setXattr(mid.resolve("o"), "trusted.overlay.opaque", new byte[] {'y'});
    Files.createDirectories(mid.resolve("u"));
    posix.setXattr(mid.resolve("u"), "user.overlay.opaque", new byte[] {'y'});
    open(WhiteoutFormat.AUFS);
    assertThat(names("/d")).containsExactly("kept");
    assertThat(names("/o")).containsExactly("own");
    assertThat(names("/u")).isEmpty();
    assertThat(fs.listxattr("/o")).doesNotContain("trusted.overlay.opaque");
  }

  @Test
  void unlinkOfLowerFileWritesWhiteout_inBothFormats() throws IOException {
    for (WhiteoutFormat format : WhiteoutFormat.values()) {
      write(low.resolve("f-" + format), "x");
      open(format);
      fs.unlink("/f-" + format);
      assertThatThrownBy(() -> fs.getattr("/f-" + format)).isInstanceOf(NoSuchFileException.class);
      assertThat(names("/")).doesNotContain("f-" + format);
      if (format == WhiteoutFormat.AUFS) {
        assertThat(upper.resolve(".wh.f-AUFS")).exists();
      } else {
        assertThat(posix.lstat(upper.resolve("f-OVERLAY")).isOverlayWhiteout()).isTrue();
      }
      fs.close();
    }
  }

  @Test
  void createOverWhiteout_andMkdirOverWhiteoutIsOpaque() throws IOException {
    for (WhiteoutFormat format : WhiteoutFormat.values()) {
      String d = "/d-" + format;
      write(low.resolve(d.substring(1) + "/old"), "x");
      write(low.resolve("f-" + format), "old");
      open(format);
      fs.unlink(d + "/old");
      fs.rmdir(d);
      fs.mkdir(d, 0755, Caller.PROCESS);
      assertThat(names(d)).isEmpty();
      fs.unlink("/f-" + format);
      long h = fs.create("/f-" + format, 0600, UnionFileSystem.O_WRONLY | UnionFileSystem.O_EXCL, Caller.PROCESS);
      fs.write(h, ByteBuffer.wrap("new".getBytes()), 0);
      fs.release(h);
      assertThat(read("/f-" + format)).isEqualTo("new");
      assertThat(fs.getattr("/f-" + format).mode() & 07777).isEqualTo(0600);
      fs.close();
      // the union as a new mount sees the same
      open(format);
      assertThat(names(d)).isEmpty();
      assertThat(read("/f-" + format)).isEqualTo("new");
      fs.close();
    }
  }

  @Test
  void copyUpKeepsMetadataAndInode() throws IOException {
    write(low.resolve("a/b/f"), "content");
    posix.setXattr(low.resolve("a/b/f"), "user.k", "v".getBytes());
    posix.setTimes(low.resolve("a/b/f"), 1000, 5, 2000, 123456789);
    posix.setTimes(low.resolve("a/b"), 3000, 0, 4000, 7);
    Files.setPosixFilePermissions(low.resolve("a/b"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
    open(WhiteoutFormat.AUFS);
    UnionStat before = fs.getattr("/a/b/f");
    fs.chmod("/a/b/f", 0640);
    UnionStat after = fs.getattr("/a/b/f");
    assertThat(after.ino()).isEqualTo(before.ino());
    assertThat(after.mode() & 07777).isEqualTo(0640);
    assertThat(after.mtimeSec()).isEqualTo(2000);
    assertThat(after.mtimeNsec()).isEqualTo(123456789);
    assertThat(fs.getxattr("/a/b/f", "user.k")).isEqualTo("v".getBytes());
    assertThat(Files.readString(upper.resolve("a/b/f"))).isEqualTo("content");
    FileStat dir = posix.lstat(upper.resolve("a/b"));
    assertThat(dir.permissions()).isEqualTo(0750);
    assertThat(dir.mtimeSec()).isEqualTo(4000); // the copy-up did not count as a change of the parent
    assertThat(dir.mtimeNsec()).isEqualTo(7);
    assertThat(upper.resolve(".wh..wh.orph")).exists();
    fs.close();
    assertThat(upper.resolve(".wh..wh.orph")).doesNotExist();
  }

  @Test
  void sparseFileKeepsHolesOnCopyUp() throws IOException {
    Path f = low.resolve("sparse");
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("end".getBytes()), 64L << 20);
    }
    open(WhiteoutFormat.AUFS);
    long h = fs.open("/sparse", UnionFileSystem.O_RDWR);
    fs.write(h, ByteBuffer.wrap("start".getBytes()), 0);
    fs.release(h);
    FileStat s = posix.lstat(upper.resolve("sparse"));
    assertThat(s.size()).isEqualTo((64L << 20) + 3);
    assertThat(s.blocks() * 512).isLessThan(1 << 20);
  }

  @Test
  void rmdirChecksEmptinessAcrossBranches() throws IOException {
    write(low.resolve("d/x"), "x");
    Files.createDirectories(upper.resolve("d"));
    open(WhiteoutFormat.AUFS);
    assertThatThrownBy(() -> fs.rmdir("/d")).isInstanceOf(DirectoryNotEmptyException.class);
    fs.unlink("/d/x");
    fs.rmdir("/d");
    assertThat(names("/")).doesNotContain("d");
    assertThat(upper.resolve(".wh.d")).exists();
  }

  @Test
  void renameOfLowerDirectory_copiesUpOrAnswersExdev() throws IOException {
    write(low.resolve("d/sub/f"), "deep");
    write(mid.resolve("d/g"), "g");
    open(WhiteoutFormat.AUFS);
    fs.close();
    fs = UnionFileSystem.open(UnionConfig.of(upper, List.of(mid, low)).withDirectoryRename(DirectoryRename.EXDEV));
    assertThatThrownBy(() -> fs.rename("/d", "/e", 0)).isInstanceOf(AtomicMoveNotSupportedException.class);
    fs.close();
    open(WhiteoutFormat.AUFS);
    long ino = fs.getattr("/d/sub/f").ino();
    fs.rename("/d", "/e", 0);
    assertThat(names("/")).doesNotContain("d").contains("e");
    assertThat(names("/e")).containsExactly("g", "sub");
    assertThat(read("/e/sub/f")).isEqualTo("deep");
    assertThat(fs.getattr("/e/sub/f").ino()).isEqualTo(ino);
    fs.mkdir("/d", 0755, Caller.PROCESS);
    assertThat(names("/d")).isEmpty();
  }

  @Test
  void directoryRenamedOntoAnEmptyMergedDirectoryHidesItsLowerContent() throws IOException {
    for (WhiteoutFormat format : WhiteoutFormat.values()) {
      write(low.resolve("target-" + format + "/old"), "x");
      open(format);
      fs.unlink("/target-" + format + "/old"); // merged view now empty, lower content whited out
      fs.mkdir("/src-" + format, 0755, Caller.PROCESS);
      fs.utimens("/src-" + format, 1000, 0, 2000, 5);
      fs.rename("/src-" + format, "/target-" + format, 0);
      assertThat(names("/target-" + format)).isEmpty();
      assertThat(fs.getattr("/target-" + format).mtimeSec()).isEqualTo(2000);
      fs.close();
      open(format);
      assertThat(names("/target-" + format)).isEmpty();
      fs.close();
    }
  }

  @Test
  void renameFlags() throws IOException {
    write(low.resolve("a"), "a");
    write(low.resolve("b"), "b");
    open(WhiteoutFormat.AUFS);
    assertThatThrownBy(() -> fs.rename("/a", "/b", UnionFileSystem.RENAME_NOREPLACE))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> fs.rename("/a", "/b", UnionFileSystem.RENAME_EXCHANGE))
        .isInstanceOf(PosixException.class).satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(22));
    fs.rename("/a", "/b", 0);
    assertThat(read("/b")).isEqualTo("a");
    assertThat(names("/")).containsExactly("b");
  }

  @Test
  void hardlinkToLowerFileCopiesUpAndSharesInode() throws IOException {
    write(low.resolve("f"), "data");
    open(WhiteoutFormat.AUFS);
    long ino = fs.getattr("/f").ino();
    fs.link("/f", "/g");
    assertThat(fs.getattr("/g").ino()).isEqualTo(ino);
    assertThat(fs.getattr("/f").nlink()).isEqualTo(2);
    long ino2 = fs.getattr("/g").ino();
    assertThat(ino2).isEqualTo(ino);
  }

  @Test
  void readOnlyUnionRefusesChanges() throws IOException {
    write(low.resolve("f"), "data");
    fs = UnionFileSystem.open(new UnionConfig(List.of(UnionConfig.Branch.readOnly(mid),
        UnionConfig.Branch.readOnly(low)), WhiteoutFormat.AUFS, DirectoryRename.COPY_UP, true));
    assertThat(read("/f")).isEqualTo("data");
    assertThatThrownBy(() -> fs.unlink("/f")).isInstanceOf(ReadOnlyFileSystemException.class);
    assertThatThrownBy(() -> fs.open("/f", UnionFileSystem.O_RDWR)).isInstanceOf(ReadOnlyFileSystemException.class);
    assertThatThrownBy(() -> fs.mkdir("/x", 0755, Caller.PROCESS)).isInstanceOf(ReadOnlyFileSystemException.class);
  }

  @Test
  void reservedNamesAreInvisibleAndRefused() throws IOException {
    open(WhiteoutFormat.AUFS);
    assertThatThrownBy(() -> fs.mkdir("/.wh.x", 0755, Caller.PROCESS)).isInstanceOf(PosixException.class);
    assertThatThrownBy(() -> fs.setxattr("/", "trusted.overlay.opaque", new byte[] {'y'}, 0))
        .isInstanceOf(PosixException.class);
    fs.mkdir("/d", 0755, Caller.PROCESS);
    assertThat(names("/")).containsExactly("d");
  }

  @Test
  void deviceNodesAndFifos_asRootOnly() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(UnionConfig.processIsRoot(), "device nodes need root");
    open(WhiteoutFormat.AUFS);
    fs.mknod("/null", FileStat.S_IFCHR | 0666, FileStat.makedev(1, 3), new Caller(1000, 1000));
    fs.mknod("/fifo", FileStat.S_IFIFO | 0640, 0, Caller.PROCESS);
    UnionStat dev = fs.getattr("/null");
    assertThat(dev.type()).isEqualTo(FileStat.S_IFCHR);
    assertThat(dev.rdev()).isEqualTo(FileStat.makedev(1, 3));
    assertThat(dev.mode() & 07777).isEqualTo(0666);
    assertThat(dev.uid()).isEqualTo(1000);
    assertThat(fs.getattr("/fifo").type()).isEqualTo(FileStat.S_IFIFO);
    fs.close();
    fs = UnionFileSystem.open(new UnionConfig(List.of(UnionConfig.Branch.readWrite(upper),
        UnionConfig.Branch.readOnly(low)), WhiteoutFormat.AUFS, DirectoryRename.COPY_UP, false));
    assertThatThrownBy(() -> fs.mknod("/zero", FileStat.S_IFCHR | 0666, FileStat.makedev(1, 5), Caller.PROCESS))
        .isInstanceOf(PosixException.class).satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(1));
  }

  @Test
  void overlayXattrWhiteoutsInOpaqueXDirectories() throws IOException {
    write(low.resolve("d/gone"), "x");
    write(low.resolve("d/kept"), "x");
    Files.createDirectories(mid.resolve("d"));
    posix.setXattr(mid.resolve("d"), "trusted.overlay.opaque", new byte[] {'x'});
    Files.createFile(mid.resolve("d/gone"));
    posix.setXattr(mid.resolve("d/gone"), "trusted.overlay.whiteout", new byte[0]);
    Files.createFile(mid.resolve("d/empty")); // an ordinary empty file stays
    open(WhiteoutFormat.AUFS);
    assertThat(names("/d")).containsExactly("empty", "kept");
    assertThatThrownBy(() -> fs.getattr("/d/gone")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void timesWithNowAndOmit() throws IOException {
    write(low.resolve("f"), "x");
    posix.setTimes(low.resolve("f"), 100, 1, 200, 2);
    open(WhiteoutFormat.AUFS);
    fs.utimens("/f", 0, UnionFileSystem.UTIME_OMIT, 300, 3);
    UnionStat s = fs.getattr("/f");
    assertThat(s.atimeSec()).isEqualTo(100);
    assertThat(s.atimeNsec()).isEqualTo(1);
    assertThat(s.mtimeSec()).isEqualTo(300);
    fs.utimens("/f", 0, UnionFileSystem.UTIME_NOW, 0, UnionFileSystem.UTIME_OMIT);
    assertThat(fs.getattr("/f").atimeSec()).isGreaterThan(1_500_000_000L);
    assertThat(fs.getattr("/f").mtimeSec()).isEqualTo(300);
  }

  @Test
  void statfsAccessAndXattrFlags() throws IOException {
    write(low.resolve("f"), "x");
    Files.setPosixFilePermissions(low.resolve("f"), java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
    open(WhiteoutFormat.AUFS);
    assertThat(fs.statfs("/").blocks()).isEqualTo(posix.statfs(upper).blocks());
    fs.access("/f", UnionFileSystem.R_OK, new Caller(posix.lstat(low.resolve("f")).uid(), 0));
    assertThatThrownBy(() -> fs.access("/f", UnionFileSystem.R_OK, new Caller(4321, 4321)))
        .isInstanceOf(java.nio.file.AccessDeniedException.class);
    assertThatThrownBy(() -> fs.access("/f", UnionFileSystem.X_OK, new Caller(0, 0)))
        .isInstanceOf(java.nio.file.AccessDeniedException.class);
    fs.setxattr("/f", "user.a", "1".getBytes(), UnionFileSystem.XATTR_CREATE);
    assertThatThrownBy(() -> fs.setxattr("/f", "user.a", "2".getBytes(), UnionFileSystem.XATTR_CREATE))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThatThrownBy(() -> fs.setxattr("/f", "user.b", "2".getBytes(), UnionFileSystem.XATTR_REPLACE))
        .isInstanceOf(PosixException.class).satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(61));
    assertThatThrownBy(() -> fs.getxattr("/f", "user.none"))
        .isInstanceOf(PosixException.class).satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(61));
    fs.removexattr("/f", "user.a");
    assertThat(fs.listxattr("/f")).doesNotContain("user.a");
  }

  @Test
  void dotEntriesAndDirectoryLinkCounts() throws IOException {
    Files.createDirectories(low.resolve("d/a"));
    Files.createDirectories(mid.resolve("d/b"));
    Files.createDirectories(upper.resolve("d/c"));
    Files.createDirectories(mid.resolve("d/a")); // the same subdirectory in two branches counts once
    open(WhiteoutFormat.AUFS);
    assertThat(fs.getattr("/d").nlink()).isEqualTo(5);
    long h = fs.opendir("/d");
    List<DirEntry> all = new java.util.ArrayList<>();
    fs.readdir(h, 0, (e, next) -> all.add(e));
    fs.releasedir(h);
    assertThat(all.get(0).name()).isEqualTo(".");
    assertThat(all.get(0).ino()).isEqualTo(fs.getattr("/d").ino());
    assertThat(all.get(1).name()).isEqualTo("..");
    assertThat(all.get(1).ino()).isEqualTo(fs.getattr("/").ino());
    fs.rmdir("/d/a");
    assertThat(fs.getattr("/d").nlink()).isEqualTo(4);
  }

  @Test
  void aSecondUnionOnTheSameReadWriteBranchIsRefused() throws IOException {
    open(WhiteoutFormat.AUFS);
    assertThatThrownBy(() -> UnionFileSystem.open(UnionConfig.of(upper, List.of(low))))
        .isInstanceOf(java.nio.file.FileSystemException.class).hasMessageContaining("in use");
    fs.close();
    UnionFileSystem.open(UnionConfig.of(upper, List.of(low))).close(); // free again
    // a lock file left by a crashed union (nobody holds it) does not block
    Files.createDirectories(upper.resolve(".wh..wh.orph"));
    Files.createFile(upper.resolve(".wh..wh.orph/lock"));
    Files.createFile(upper.resolve(".wh..wh.orph/tmp.7"));
    UnionFileSystem.open(UnionConfig.of(upper, List.of(low))).close();
    assertThat(upper.resolve(".wh..wh.orph")).doesNotExist();
  }

  @Test
  void badConfigurationsAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> UnionConfig.of(upper, List.of(low, low)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice").hasMessageContaining(low.toString());
    assertThatThrownBy(() -> UnionConfig.of(low.resolve("inner"), List.of(low)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside");
    assertThatThrownBy(() -> new UnionConfig(List.of(UnionConfig.Branch.readOnly(low),
        UnionConfig.Branch.readWrite(upper)), WhiteoutFormat.AUFS, DirectoryRename.COPY_UP, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first branch");
    assertThatThrownBy(() -> UnionFileSystem.open(UnionConfig.of(upper, List.of(tmp.resolve("missing")))))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing");
    assertThat(upper.resolve(".wh..wh.orph")).doesNotExist(); // a failed open leaves nothing behind
  }

  @Test
  void branchesMustBeOnTheDefaultFileSystem() throws IOException {
    try (var jimfs = com.google.common.jimfs.Jimfs.newFileSystem(com.google.common.jimfs.Configuration.unix())) {
      Path p = Files.createDirectory(jimfs.getPath("/branch"));
      assertThatThrownBy(() -> UnionConfig.Branch.readOnly(p))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("default file system");
    }
  }

  @Test
  void errorsForWrongTypes() throws IOException {
    write(low.resolve("f"), "x");
    write(low.resolve("d/x"), "x");
    open(WhiteoutFormat.AUFS);
    assertThatThrownBy(() -> fs.unlink("/d")).isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> fs.rmdir("/f")).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.getattr("/f/x")).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.rename("/f", "/d", 0)).isInstanceOf(IsDirectoryException.class);
    assertThatThrownBy(() -> fs.rename("/d", "/f", 0)).isInstanceOf(NotDirectoryException.class);
    assertThatThrownBy(() -> fs.rename("/d", "/d/sub", 0)).isInstanceOf(PosixException.class);
    assertThatThrownBy(() -> fs.getattr("relative")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openFileSurvivesUnlink() throws IOException {
    open(WhiteoutFormat.AUFS);
    long h = fs.create("/f", 0644, UnionFileSystem.O_RDWR, Caller.PROCESS);
    fs.write(h, ByteBuffer.wrap("abc".getBytes()), 0);
    fs.unlink("/f");
    assertThat(fs.fgetattr(h).nlink()).isZero();
    fs.write(h, ByteBuffer.wrap("d".getBytes()), 3);
    ByteBuffer b = ByteBuffer.allocate(10);
    assertThat(fs.read(h, b, 0)).isEqualTo(4);
    fs.release(h);
    assertThat(names("/")).isEmpty();
    assertThatThrownBy(() -> fs.read(h, b, 0)).isInstanceOf(java.nio.channels.ClosedChannelException.class);
  }

  @Test
  void renameOverAnOpenFileKeepsTheOldOneForItsHandle() throws IOException {
    write(low.resolve("old"), "old content");
    write(low.resolve("new"), "new");
    open(WhiteoutFormat.OVERLAY);
    long h = fs.open("/old", UnionFileSystem.O_RDWR); // copied up, open
    fs.rename("/new", "/old", 0);
    assertThat(fs.fgetattr(h).size()).isEqualTo(11);
    assertThat(fs.fgetattr(h).nlink()).isZero();
    fs.release(h);
    assertThat(read("/old")).isEqualTo("new");
    assertThat(names("/")).containsExactly("old");
  }

  @Test
  void namesLongerThan255BytesAreRefused() throws IOException {
    open(WhiteoutFormat.AUFS);
    String longName = "/" + "x".repeat(256);
    assertThatThrownBy(() -> fs.getattr(longName))
        .isInstanceOf(PosixException.class).satisfies(e -> assertThat(((PosixException) e).errno()).isEqualTo(36));
    String ok = "/" + "y".repeat(255);
    fs.mkdir(ok, 0755, Caller.PROCESS);
    assertThat(fs.getattr(ok).isDirectory()).isTrue();
  }

  @Test
  void readdirOffsetsAreStable() throws IOException {
    for (int i = 0; i < 500; i++) {
      write(low.resolve("big/f" + i), "");
      if (i % 3 == 0) {
        write(upper.resolve("big/g" + i), "");
      }
    }
    open(WhiteoutFormat.AUFS);
    long h = fs.opendir("/big");
    java.util.List<String> seen = new java.util.ArrayList<>();
    long[] off = {0};
    int unlinked = 0;
    while (true) {
      int[] count = {0};
      fs.readdir(h, off[0], (e, next) -> {
        if (count[0] == 37) {
          return false;
        }
        count[0]++;
        seen.add(e.name());
        off[0] = next;
        return true;
      });
      fs.unlink("/big/f" + unlinked++); // changes do not disturb an open listing
      if (count[0] < 37) {
        break;
      }
    }
    fs.releasedir(h);
    assertThat(seen).hasSize(2 + 500 + 167).doesNotHaveDuplicates();
  }
}
