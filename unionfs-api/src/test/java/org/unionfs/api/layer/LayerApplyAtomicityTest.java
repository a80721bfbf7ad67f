package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.api.layer.LayerApplySupport.snap;
import static org.unionfs.api.layer.LayerApplySupport.tar;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.fs.TreeSnapshot;
import org.unionfs.api.posix.Posix;

/**
 * A failed or interrupted apply leaves the layer exactly as it was (the journal design in the package
 * documentation): failures late in a tar that has touched every kind of pre-existing content, and a real
 * {@code kill -9} of a child JVM in the middle of an apply, recovered by {@link LayerTar#recover} or by
 * the next apply.
 */
class LayerApplyAtomicityTest {
  @TempDir Path tmp;
  final Posix px = Posix.get();

  /** A lower tree with metadata worth restoring: odd modes, owners, ns mtimes, xattrs, a symlink. */
  Path lower(String name) throws Exception {
    Path layer = Files.createDirectory(tmp.resolve(name));
    LayerTar.apply(layer, tar().dir("a", 0750).file("a/f", 0644, "f").dir("a/s", 0755)
        .file("a/s/g", 0600, "g").dir("o", 0755).file("o/1", 0644, "1").dir("o/sub", 0755)
        .file("o/sub/2", 0644, "2").file("r", 0644, "replace me").symlink("ln", "a/f").dir("w", 0755)
        .file("w/x", 0644, "x").stream(), WhiteoutFormat.DELETE);
    px.setXattr(layer.resolve("a"), "user.keep", "v".getBytes());
    px.lchown(layer.resolve("a/s"), 7, 9);
    px.setTimes(layer.resolve("a"), 1, 111, 2, 222);
    px.setTimes(layer.resolve("o"), 3, 333, 4, 444);
    px.setTimes(layer, 5, 555, 6, 666);
    return layer;
  }

  /** A tar that changes every kind of lower content, then fails at its last member. */
  static byte[] hostileTail(String lastName) throws Exception {
    return tar().dir("a", 0700).file("a/new", 0644, "n").dir("a/s", 0777).file("r", 0600, "replaced")
        .whiteout(".wh.w").whiteout("a/.wh.f").dir("o", 0755).whiteout("o/.wh..wh..opq")
        .file("implied/deep/file", 0644, "i").file("ln", 0644, "was a symlink")
        .file("top", 0644, "t").file(lastName, 0644, "bad").bytes();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"delete", "aufs", "overlay"})
  void aFailureAtTheLastMemberLeavesTheLayerAsItWas(String format) throws Exception {
    WhiteoutFormat f = switch (format) {
      case "aufs" -> WhiteoutFormat.AUFS;
      case "overlay" -> WhiteoutFormat.OVERLAY;
      default -> WhiteoutFormat.DELETE;
    };
    Path layer = lower("layer");
    TreeSnapshot before = snap(layer);
    assertThatThrownBy(() -> LayerTar.apply(layer, new ByteArrayInputStream(hostileTail("../escape")), f))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("../escape");
    assertThat(before.differences(snap(layer))).isEmpty();
    assertThat(tmp.resolve("escape")).doesNotExist();
  }

  @Test
  void aTruncatedTarLeavesTheLayerAsItWas() throws Exception {
    Path layer = lower("layer");
    TreeSnapshot before = snap(layer);
    byte[] full = hostileTail("fine");
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 1024 - 300);
    assertThatThrownBy(() -> LayerTar.apply(layer, new ByteArrayInputStream(cut), WhiteoutFormat.DELETE))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("truncated");
    assertThat(before.differences(snap(layer))).isEmpty();
  }

  @Test
  void aSuccessfulApplyLeavesNoJournalAndKeepsUntouchedRootTimes() throws Exception {
    Path layer = lower("layer");
    LayerTar.apply(layer, tar().file("a/s/more", 0644, "m").stream(), WhiteoutFormat.DELETE);
    assertThat(layer.resolve(ApplyJournal.DIR_NAME)).doesNotExist();
    assertThat(px.lstat(layer).mtimeSec()).as("root untouched by the tar").isEqualTo(6);
    assertThat(px.lstat(layer).mtimeNsec()).isEqualTo(666);
    assertThat(LayerTar.recover(layer)).isFalse();
  }

  /** The byte offsets where the child is killed: inside the first members, the middle, near the end. */
  @ParameterizedTest(name = "killed after {0} bytes")
  @ValueSource(ints = {1536, 4096, 6656, 9216})
  void killMinus9InTheMiddleIsRolledBackByRecover(int offset) throws Exception {
    Path layer = lower("layer");
    TreeSnapshot before = snap(layer);
    Path tarFile = tmp.resolve("t.tar");
    Files.write(tarFile, hostileTail("fine"));
    assertThat(Files.size(tarFile)).isGreaterThan(offset + 512);
    Process child = child("apply-stall", layer.toString(), tarFile.toString(), Integer.toString(offset),
        "overlay");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line = r.readLine();
      assertThat(line).as("child output").isEqualTo("STALLED");
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);
    }
    assertThat(layer.resolve(ApplyJournal.DIR_NAME)).as("the interrupted apply left its journal").exists();
    assertThat(LayerTar.recover(layer)).isTrue();
    assertThat(before.differences(snap(layer))).isEmpty();
    assertThat(LayerTar.recover(layer)).isFalse();
  }

  @Test
  void theNextApplyRecoversAnInterruptedOneFirst() throws Exception {
    Path layer = lower("layer");
    TreeSnapshot before = snap(layer);
    Path tarFile = tmp.resolve("t.tar");
    Files.write(tarFile, hostileTail("fine"));
    Process child = child("apply-stall", layer.toString(), tarFile.toString(), "5120", "delete");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      assertThat(r.readLine()).isEqualTo("STALLED");
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(layer.resolve(ApplyJournal.DIR_NAME)).exists();
    LayerTar.apply(layer, tar().file("after", 0644, "a").stream(), WhiteoutFormat.DELETE);
    TreeSnapshot after = snap(layer);
    Map<String, TreeSnapshot.Entry> expected = new java.util.TreeMap<>(before.entries());
    expected.put("after", after.entries().get("after"));
    expected.put("", after.entries().get(""));
    assertThat(new TreeSnapshot(expected).differences(after)).isEmpty();
  }

  static Process child(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
        "-cp", System.getProperty("java.class.path"), LayerApplyChild.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
