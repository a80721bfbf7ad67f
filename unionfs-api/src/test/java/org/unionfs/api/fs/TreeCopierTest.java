package org.unionfs.api.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.FsMagic;
import org.unionfs.api.posix.Posix;

class TreeCopierTest {
  private final Posix posix = Posix.get();

  private long atime(Path p) throws java.io.IOException {
    FileStat st = posix.lstat(p);
    return st.atimeSec() * 1_000_000_000L + st.atimeNsec();
  }

  private static TreeSnapshot snap(Path p) throws java.io.IOException {
    return TreeSnapshot.of(p).withoutAtimes();
  }

  private static void assumeRoot() {
    assumeTrue(FixtureTree.isRoot(), "needs root: chown, mknod and trusted.* xattrs");
  }

  @Test
  void copyTree_keepsEveryEntryKindAndAllMetadata(@TempDir Path tmp) throws Exception {
    assumeRoot();
    Path src = Files.createDirectory(tmp.resolve("src"));
    FixtureTree.build(src);
    String[] spots = {"a subdir/deeper", "links/abs", "dev/null", "a file", "readonly"};
    long[] atimes = new long[spots.length];
    for (int i = 0; i < spots.length; i++) {
      atimes[i] = atime(src.resolve(spots[i]));
    }

    CopyResult r = TreeCopier.copyTree(src, tmp.resolve("dst"));

    // Reading a directory or a symlink moves its atime, so atimes are checked with lstat alone, before
    // anything reads the copy, and left out of the tree comparison.
    for (int i = 0; i < spots.length; i++) {
      assertThat(atime(tmp.resolve("dst").resolve(spots[i]))).as("atime of " + spots[i])
          .isEqualTo(atimes[i]);
    }
    TreeSnapshot before = TreeSnapshot.of(src).withoutAtimes();
    TreeSnapshot copy = TreeSnapshot.of(tmp.resolve("dst")).withoutAtimes();
    assertThat(before.differences(copy)).isEmpty();
    assertThat(TreeSnapshot.of(src).withoutAtimes().differences(before))
        .as("the source is left untouched").isEmpty();
    assertThat(copy.entries()).hasSize(before.entries().size()).hasSizeGreaterThan(25);
    assertThat(r.entries()).isEqualTo(before.entries().size());
    assertThat(r.hardlinks()).isEqualTo(2);
  }

  @Test
  void copyTree_spotChecksTheTrickyBits(@TempDir Path tmp) throws Exception {
    assumeRoot();
    Path src = Files.createDirectory(tmp.resolve("src"));
    FixtureTree.build(src);
    Path dst = tmp.resolve("dst");
    TreeCopier.copyTree(src, dst);

    FileStat a = posix.lstat(dst.resolve("links/a"));
    assertThat(posix.lstat(dst.resolve("links/b")).ino()).isEqualTo(a.ino());
    assertThat(posix.lstat(dst.resolve("a subdir/c-same-inode")).ino()).isEqualTo(a.ino());
    assertThat(a.nlink()).isEqualTo(3);
    assertThat(a.ino()).isNotEqualTo(posix.lstat(src.resolve("links/a")).ino());

    assertThat(Files.readSymbolicLink(dst.resolve("links/abs"))).isEqualTo(Path.of("/etc/passwd"));
    assertThat(posix.lstat(dst.resolve("links/abs")).isSymbolicLink()).isTrue();
    assertThat(posix.lstat(dst.resolve("links/rel")).uid()).isEqualTo(42);

    FileStat dev = posix.lstat(dst.resolve("dev/loop99"));
    assertThat(dev.isBlockDevice()).isTrue();
    assertThat(dev.rdevMajor()).isEqualTo(7);
    assertThat(dev.rdevMinor()).isEqualTo(99);
    assertThat(posix.lstat(dst.resolve("dev/whiteout")).isOverlayWhiteout()).isTrue();
    assertThat(posix.lstat(dst.resolve("dev/sock")).isSocket()).isTrue();
    assertThat(posix.lstat(dst.resolve("dev/fifo")).isFifo()).isTrue();

    assertThat(posix.lstat(dst.resolve("a file")).permissions()).isEqualTo(04222);
    assertThat(posix.lstat(dst.resolve("setgid")).permissions()).isEqualTo(02711);
    assertThat(posix.lstat(dst.resolve("a subdir")).permissions()).isEqualTo(01705);
    assertThat(posix.getXattr(dst.resolve("ping"), "security.capability")).isPresent();
    assertThat(posix.getXattr(dst.resolve("a file"), "trusted.overlay.opaque").map(String::new))
        .contains("y");

    FileStat dir = posix.lstat(dst.resolve("a subdir"));
    FileStat srcDir = posix.lstat(src.resolve("a subdir"));
    assertThat(dir.mtimeSec()).isEqualTo(srcDir.mtimeSec());
    assertThat(dir.mtimeNsec()).isEqualTo(srcDir.mtimeNsec()).isNotZero();
  }

  @Test
  void copyTree_keepsHolesAndContent(@TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path sparse = src.resolve("sparse");
    try (RandomAccessFile raf = new RandomAccessFile(sparse.toFile(), "rw")) {
      raf.write("head".getBytes(StandardCharsets.UTF_8));
      raf.seek(40L << 20);
      raf.write("middle".getBytes(StandardCharsets.UTF_8));
      raf.setLength(100L << 20);
    }
    long srcBlocks = posix.lstat(sparse).blocks();
    assumeTrue(srcBlocks < 1024, "the filesystem of " + tmp + " does not keep holes");

    CopyResult r = TreeCopier.copyTree(src, tmp.resolve("dst"), ReflinkMode.NEVER);

    Path copy = tmp.resolve("dst/sparse");
    assertThat(posix.lstat(copy).size()).isEqualTo(100L << 20);
    assertThat(posix.lstat(copy).blocks()).as("512-byte blocks allocated").isLessThanOrEqualTo(srcBlocks);
    assertThat(r.copiedBytes()).isLessThan(1 << 20);
    assertThat(r.dataBytes()).isEqualTo(100L << 20);
    assertThat(snap(src).differences(snap(tmp.resolve("dst")))).isEmpty();
  }

  @Test
  void copyTree_withoutReflinkCopiesAndAlwaysFails(@TempDir Path tmp) throws Exception {
    long magic = posix.statfs(tmp).type() & 0xffffffffL;
    assumeTrue(magic != FsMagic.BTRFS && magic != FsMagic.XFS,
        tmp + " may support reflink; this test needs a filesystem without it");
    Path src = Files.createDirectory(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "data");

    CopyResult auto = TreeCopier.copyTree(src, tmp.resolve("auto"));
    assertThat(auto.clonedFiles()).isZero();
    assertThat(auto.copiedBytes()).isEqualTo(4);
    // the refusal comes from a forked subdirectory task and still reaches the caller as itself
    Path nested = Files.createDirectories(tmp.resolve("nested/a/b"));
    Files.writeString(nested.resolve("g"), "data");
    assertThatThrownBy(() -> TreeCopier.copyTree(tmp.resolve("nested"), tmp.resolve("always"),
        ReflinkMode.ALWAYS))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("reflink")
        .hasMessageContaining("always/a/b/g");
  }

  @Test
  void copyTree_manyDirectoriesAndCrossDirectoryHardlinksInParallel(@TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path first = Files.writeString(src.resolve("first"), "one inode");
    for (int d = 0; d < 40; d++) {
      Path dir = Files.createDirectories(src.resolve("d" + d + "/sub" + (d % 3)));
      for (int f = 0; f < 10; f++) {
        Files.writeString(dir.resolve("f" + f), "file " + d + "/" + f);
      }
      Files.createLink(dir.resolve("link"), first);
    }
    CopyResult r = TreeCopier.copyTree(src, tmp.resolve("dst"));
    assertThat(r.hardlinks()).isEqualTo(40);
    assertThat(posix.lstat(tmp.resolve("dst/first")).nlink()).isEqualTo(41);
    assertThat(snap(src).differences(snap(tmp.resolve("dst")))).isEmpty();
  }

  /** A POSIX ACL in its xattr form: version 2, then (tag, perm, id) entries sorted by tag and id. */
  private static byte[] acl(int... tagPermId) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + tagPermId.length / 3 * 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(2);
    for (int i = 0; i < tagPermId.length; i += 3) {
      b.putShort((short) tagPermId[i]).putShort((short) tagPermId[i + 1]).putInt(tagPermId[i + 2]);
    }
    return b.array();
  }

  @Test
  void copyTree_keepsPosixAclsAndDefaultAcls(@TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path dir = Files.createDirectory(src.resolve("shared"));
    // user::rwx user:1000:r-x group::r-x mask::r-x other::---
    byte[] access = acl(0x01, 7, -1, 0x02, 5, 1000, 0x04, 5, -1, 0x10, 5, -1, 0x20, 0, -1);
    // default: user::rw- user:1000:rw- group::r-- mask::rw- other::---
    byte[] dflt = acl(0x01, 6, -1, 0x02, 6, 1000, 0x04, 4, -1, 0x10, 6, -1, 0x20, 0, -1);
    try {
      posix.setXattr(dir, "system.posix_acl_default", dflt);
    } catch (java.io.IOException e) {
      assumeTrue(false, "no POSIX ACLs on " + tmp + ": " + e.getMessage());
    }
    posix.setXattr(dir, "system.posix_acl_access", access);
    Path inherited = Files.writeString(dir.resolve("inherited"), "gets the default ACL");
    assertThat(posix.listXattrs(inherited)).contains("system.posix_acl_access");
    Path plain = Files.writeString(src.resolve("plain"), "no acl");

    TreeCopier.copyTree(src, tmp.resolve("dst"));

    assertThat(snap(src).differences(snap(tmp.resolve("dst")))).isEmpty();
    assertThat(posix.listXattrs(tmp.resolve("dst/plain"))).isEmpty();
    assertThat(posix.lstat(tmp.resolve("dst/shared")).permissions())
        .isEqualTo(posix.lstat(dir).permissions()).isEqualTo(0750);
    assertThat(posix.lstat(plain).permissions()).isEqualTo(posix.lstat(tmp.resolve("dst/plain")).permissions());
  }

  @Test
  void copyTree_intoAnEmptyDirectoryTakesTheSourceRootMetadata(@TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "x");
    posix.setXattr(src, "user.keep", "k".getBytes(StandardCharsets.UTF_8));
    posix.setTimes(src, 1000, 1, 2000, 2);
    Path dst = Files.createDirectory(tmp.resolve("dst"));
    posix.setXattr(dst, "user.stale", "s".getBytes(StandardCharsets.UTF_8));

    TreeCopier.copyTree(src, dst);

    assertThat(snap(src).differences(snap(dst))).isEmpty();
    assertThat(posix.listXattrs(dst)).containsExactly("user.keep");
  }

  @Test
  void copyTree_refusesBadArguments(@TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Path full = Files.createDirectory(tmp.resolve("full"));
    Files.writeString(full.resolve("occupant"), "x");

    assertThatThrownBy(() -> TreeCopier.copyTree(file, tmp.resolve("d1")))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("not a directory")
        .hasMessageContaining(file.toString());
    assertThatThrownBy(() -> TreeCopier.copyTree(src, full))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("not empty");
    assertThatThrownBy(() -> TreeCopier.copyTree(src, file))
        .isInstanceOf(FileSystemException.class).hasMessageContaining("not a directory");
    assertThatThrownBy(() -> TreeCopier.copyTree(tmp.resolve("missing"), tmp.resolve("d2")))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertThat(tmp.resolve("d1")).doesNotExist();
    assertThat(Files.readString(full.resolve("occupant"))).isEqualTo("x");
  }

  @Test
  void copyEntry_copiesOneEntryWithItsMetadata(@TempDir Path tmp) throws Exception {
    assumeRoot();
    Path src = Files.createDirectory(tmp.resolve("src"));
    FixtureTree.build(src);
    Path out = Files.createDirectory(tmp.resolve("out"));

    for (String name : new String[] {"a file", "ping", "owned", "links/abs", "dev/null", "dev/fifo",
        "sparse", "empty"}) {
      Path dst = out.resolve(name.replace('/', '_'));
      TreeCopier.copyEntry(src.resolve(name), dst);
      assertThat(snap(src.resolve(name)).differences(snap(dst)))
          .as(name).isEmpty();
    }
    Path dir = out.resolve("dir");
    CopyResult r = TreeCopier.copyEntry(src.resolve("a subdir"), dir);
    assertThat(r.entries()).isEqualTo(1);
    try (var ds = Files.newDirectoryStream(dir)) {
      assertThat(ds.iterator().hasNext()).as("children are not copied").isFalse();
    }
    FileStat d = posix.lstat(dir);
    FileStat s = posix.lstat(src.resolve("a subdir"));
    assertThat(d.mode()).isEqualTo(s.mode());
    assertThat(d.uid()).isEqualTo(1);
    assertThat(d.mtimeNsec()).isEqualTo(s.mtimeNsec());
    TreeCopier.copyEntry(src.resolve("a subdir/deeper"), out.resolve("deeper"));
    assertThat(posix.getXattr(out.resolve("deeper"), "user.dir")).contains(new byte[] {0, 1, 2, -1});
  }

  @Test
  void copyEntry_refusesAnExistingTarget(@TempDir Path tmp) throws Exception {
    Path src = Files.writeString(tmp.resolve("src"), "new");
    Path dst = Files.writeString(tmp.resolve("dst"), "old");
    assertThatThrownBy(() -> TreeCopier.copyEntry(src, dst))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining(dst.toString());
    assertThat(Files.readString(dst)).isEqualTo("old");
  }

  @Test
  void deleteTree_removesReadOnlyDirectoriesAndNeverFollowsLinks(@TempDir Path tmp) throws Exception {
    Path keep = Files.writeString(tmp.resolve("keep"), "outside");
    Path root = Files.createDirectories(tmp.resolve("root/ro/inner"));
    Files.createSymbolicLink(tmp.resolve("root/ro/link"), keep);
    Files.createSymbolicLink(tmp.resolve("root/dirlink"), tmp);
    Files.writeString(root.resolve("f"), "x");
    FsNative.get().libc.chmod(tmp.resolve("root/ro").toString(), 0555);

    FileTrees.deleteTree(tmp.resolve("root"));
    FileTrees.deleteTree(tmp.resolve("root")); // absent: fine

    assertThat(tmp.resolve("root")).doesNotExist();
    assertThat(Files.readString(keep)).isEqualTo("outside");
  }
}
