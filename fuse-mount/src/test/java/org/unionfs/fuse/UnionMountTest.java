package org.unionfs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.union.UnionConfig;

/**
 * Real FUSE mounts of the union. The reference for visible behaviour is a kernel overlayfs mount of the
 * same lower branch (with {@code redirect_dir=off}; ours with {@code rename_dir=exdev} to match): the
 * same random operation sequences go through both, and every outcome and the trees must agree.
 *
 * <p>The sequences run with {@code attr_timeout=0}: libfuse2's path-based API gives each name of a hard
 * link its own kernel inode, so with attribute caching a chown through one name shows on the other names
 * only after the timeout (1 s by default), where overlayfs shows it at once.
 */
@EnabledIf(value = "org.unionfs.fuse.FuseTestSupport#fuseAndOverlayAvailable",
    disabledReason = "needs root, /dev/fuse, libfuse2, fusermount and kernel overlayfs")
class UnionMountTest {
  @TempDir
  Path tmp;

  private Path dir(String name) throws IOException {
    return Files.createDirectories(tmp.resolve(name));
  }

  private FuseMount mountUnion(Path upper, Path lower, Path mnt, String... options) throws IOException {
    return UnionMount.mount(UnionConfig.of(upper, List.of(lower)), mnt,
        MountOptions.parse(List.of(options), true));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomSequence_matchesKernelOverlay(long seed) throws Exception {
    Path lower = dir("lower");
    RandomOps.lowerTree(lower, seed);
    Path upper = dir("upper");
    Path mnt = dir("mnt");
    Path oUpper = dir("o-upper");
    Path oWork = dir("o-work");
    Path oMnt = dir("o-mnt");
    FuseTestSupport.mountOverlay(lower, oUpper, oWork, oMnt);
    try {
      List<RandomOps.Op> ops = RandomOps.sequence(seed, 300);
      List<String> log = new ArrayList<>();
      try (FuseMount m = mountUnion(upper, lower, mnt, "rename_dir=exdev", "attr_timeout=0")) {
        assertThat(RandomOps.snapshot(mnt)).isEqualTo(RandomOps.snapshot(oMnt));
        for (int i = 0; i < ops.size(); i++) {
          RandomOps.Op op = ops.get(i);
          String ours = RandomOps.apply(mnt, op);
          String ref = RandomOps.apply(oMnt, op);
          log.add(i + ": " + op + " -> " + ours);
          assertThat(ours).as("step %d %s (seed %d)%n%s", i, op, seed, String.join("\n", log)).isEqualTo(ref);
          if (i % 20 == 19) {
            assertThat(RandomOps.snapshot(mnt)).as("tree after step %d (seed %d)", i, seed)
                .isEqualTo(RandomOps.snapshot(oMnt));
          }
        }
        assertThat(RandomOps.snapshot(mnt)).isEqualTo(RandomOps.snapshot(oMnt));
      }
      // what was written persists: a new mount of the same branches shows the same tree
      TreeMap<String, String> reference = RandomOps.snapshot(oMnt);
      try (FuseMount m = mountUnion(upper, lower, mnt, "rename_dir=exdev")) {
        assertThat(RandomOps.snapshot(mnt)).isEqualTo(reference);
      }
    } finally {
      FuseTestSupport.umount(oMnt);
    }
  }

  @Test
  void mount_isLiveWhenItReturns_andCloseIsIdempotent() throws Exception {
    Path lower = dir("lower");
    Files.writeString(lower.resolve("a"), "from lower");
    Path mnt = dir("mnt");
    FuseMount m = mountUnion(dir("upper"), lower, mnt);
    assertThat(FuseTestSupport.isMounted(mnt)).isTrue();
    assertThat(Files.readString(mnt.resolve("a"))).isEqualTo("from lower");
    assertThat(m.isLive()).isTrue();
    m.close();
    assertThat(m.isLive()).isFalse();
    assertThat(FuseTestSupport.isMounted(mnt)).isFalse();
    m.close();
    assertThat(FuseTestSupport.isMounted(mnt)).isFalse();
  }

  @Test
  void mount_externalFusermount_endsTheLoop() throws Exception {
    Path mnt = dir("mnt");
    FuseMount m = mountUnion(dir("upper"), dir("lower"), mnt);
    assertThat(FuseTestSupport.run("fusermount", "-u", mnt.toString())).isZero();
    assertThat(m.awaitExit()).isZero();
    m.close();
  }

  @Test
  void mount_notEmptyMountPoint_failsWithOneLine() throws Exception {
    Path mnt = dir("mnt");
    Files.writeString(mnt.resolve("x"), "x");
    assertThatThrownBy(() -> mountUnion(dir("upper"), dir("lower"), mnt))
        .isInstanceOf(FuseMountException.class)
        .hasMessage("mount point " + mnt + " is not empty (add -o nonempty to mount over it)");
    try (FuseMount m = mountUnion(dir("upper"), dir("lower"), mnt, "nonempty")) {
      assertThat(FuseTestSupport.isMounted(mnt)).isTrue();
    }
  }

  @Test
  void mount_missingBranch_failsNamingIt() throws Exception {
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> mountUnion(dir("upper"), missing, dir("mnt")))
        .isInstanceOf(FuseMountException.class)
        .hasMessage("missing branch: " + missing + " is not a directory");
  }

  @Test
  void mount_missingMountPoint_fails() throws Exception {
    Path mnt = tmp.resolve("no-mnt");
    assertThatThrownBy(() -> mountUnion(dir("upper"), dir("lower"), mnt))
        .isInstanceOf(FuseMountException.class).hasMessage("mount point " + mnt + " does not exist");
  }

  @Test
  void mount_busyMountPoint_fails() throws Exception {
    Path mnt = dir("mnt");
    try (FuseMount m = mountUnion(dir("upper"), dir("lower"), mnt)) {
      assertThatThrownBy(() -> mountUnion(dir("upper2"), dir("lower2"), mnt))
          .isInstanceOf(FuseMountException.class)
          .hasMessage("mount point " + mnt + " is busy: already a mount point (fuse.unionfs)");
      assertThat(m.isLive()).isTrue();
    }
  }

  @Test
  void mount_passthroughOfOneBranch_writesThrough() throws Exception {
    Path only = dir("only");
    Files.writeString(only.resolve("f"), "old");
    Path mnt = dir("mnt");
    try (FuseMount m = UnionMount.mount(UnionConfig.of(only, List.of()), mnt, MountOptions.parse(List.of(), true))) {
      Files.writeString(mnt.resolve("f"), "new");
      Files.createDirectory(mnt.resolve("d"));
      Files.delete(mnt.resolve("f"));
    }
    assertThat(only.resolve("f")).doesNotExist();
    assertThat(only.resolve("d")).isDirectory();
  }

  /**
   * With the default 60 s attribute cache, a change through one name of a hard-linked file must show
   * under the other names at once (the adapter makes the kernel forget them), as on overlayfs.
   */
  @Test
  void hardLink_changesThroughOneName_showUnderTheOthersAtOnce() throws Exception {
    Path upper = dir("upper");
    Path lower = dir("lower");
    Path mnt = dir("mnt");
    try (FuseMount m = mountUnion(upper, lower, mnt)) {
      Path a = mnt.resolve("a");
      Path b = mnt.resolve("b");
      Path c = mnt.resolve("c");
      Files.writeString(a, "x");
      assertThat(Files.getAttribute(a, "unix:nlink")).isEqualTo(1);
      Files.createLink(b, a);
      assertThat(Files.getAttribute(a, "unix:nlink")).isEqualTo(2);
      Files.createLink(c, b);
      assertThat(Files.getAttribute(a, "unix:nlink")).isEqualTo(3);
      Files.setPosixFilePermissions(b, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
      assertThat(Files.getAttribute(a, "unix:mode")).isEqualTo(0100500);
      assertThat(Files.getAttribute(c, "unix:mode")).isEqualTo(0100500);
      Files.setAttribute(c, "unix:uid", 65534);
      assertThat(Files.getAttribute(a, "unix:uid")).isEqualTo(65534);
      Files.delete(a);
      assertThat(Files.getAttribute(b, "unix:nlink")).isEqualTo(2);
      Files.delete(c);
      assertThat(Files.getAttribute(b, "unix:nlink")).isEqualTo(1);
    }
  }
}
