package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.layer.testing.ApplyMain;
import org.unionfs.api.layer.testing.GzipBomb;
import org.unionfs.api.layer.testing.Sandbox;
import org.unionfs.api.layer.testing.TarBytes;
import org.unionfs.api.layer.testing.TreeSnapshot;

/**
 * An apply killed with SIGKILL in the middle (after it replaced, deleted and wrote entries of the layer,
 * while it writes a 1 GiB file) leaves a layer that {@link LayerTar#recover} — and the next
 * {@link LayerTar#apply}, which recovers first — brings back to exactly what it was, with nothing left
 * beside it.
 */
class HostileKillTest {

  /** Changes every kind of existing entry, then streams a GiB so that the kill lands mid-apply. */
  private static byte[] tar() {
    TarBytes t = new TarBytes().file("existing.txt", "replaced").whiteout("lowerdir/.wh.child")
        .whiteout("lowerdir/sub/.wh..wh..opq").file("shared", "replaced too").dir("newdir/");
    for (int i = 0; i < 200; i++) {
      t.file("newdir/f" + i, "x".repeat(i));
    }
    TarBytes.Header h = TarBytes.header("zz-big.bin", TarBytes.REG);
    h.size = 1L << 30;
    t.header(h);
    return GzipBomb.build(t.bytes(), 1025);
  }

  @Test
  void killedApplyIsRolledBackByRecover(@TempDir Path tmp) throws Exception {
    assertRolledBack(tmp, true);
  }

  @Test
  void killedApplyIsRolledBackByTheNextApply(@TempDir Path tmp) throws Exception {
    assertRolledBack(tmp, false);
  }

  private static void assertRolledBack(Path tmp, boolean explicitRecover) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "sandbox owners: needs root");
    Sandbox s = Sandbox.create(Files.createDirectory(tmp.resolve("sandbox")));
    Path tar = Files.write(tmp.resolve("kill.tar.gz"), tar());
    TreeSnapshot before = s.snapshot();

    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        ApplyMain.class.getName(), s.layer.toString(), tar.toString()))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("apply.out").toFile()).start();
    // wait until the big file is being written (somewhere under the sandbox), then SIGKILL
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!bigFileGrowing(s.root) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(p.isAlive()).as("apply still running when killed: %s",
        Files.readString(tmp.resolve("apply.out"))).isTrue();
    p.destroyForcibly().waitFor();
    assertThat(s.snapshot().diff(before)).as("the kill left a half-applied layer").isNotEmpty();

    if (explicitRecover) {
      assertThat(LayerTar.recover(s.layer)).as("recover found the interrupted apply").isTrue();
      assertThat(LayerTar.recover(s.layer)).as("second recover: nothing left").isFalse();
      assertThat(s.snapshot().diff(before)).as("layer after recover").isEmpty();
    } else {
      byte[] small = new TarBytes().file("after.txt", "a").end().bytes();
      LayerTar.apply(s.layer, new ByteArrayInputStream(small), WhiteoutFormat.DELETE);
      TreeSnapshot want = before.without("/layer/after.txt"::equals);
      assertThat(s.snapshot().without("/layer/after.txt"::equals)
          .withoutMtime(e -> e.path().equals("/layer")).diff(want.withoutMtime(
              e -> e.path().equals("/layer")))).as("layer after the next apply").isEmpty();
      assertThat(s.layer("after.txt")).hasContent("a");
    }
  }

  private static boolean bigFileGrowing(Path root) throws java.io.IOException {
    try (var w = Files.walk(root)) {
      return w.anyMatch(f -> {
        try {
          // whatever name the engine stages it under: the only big file is zz-big.bin's data
          return Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)
              && Files.size(f) > (64L << 20);
        } catch (java.io.IOException e) {
          return false;
        }
      });
    }
  }
}
