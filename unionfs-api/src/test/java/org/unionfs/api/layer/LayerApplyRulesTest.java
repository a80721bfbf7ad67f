package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.api.layer.LayerApplySupport.paths;
import static org.unionfs.api.layer.LayerApplySupport.snap;
import static org.unionfs.api.layer.LayerApplySupport.tar;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.fs.TreeSnapshot;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/** {@link LayerTar#apply}, one test per rule of moby's UnpackLayer and the OCI layer spec. */
class LayerApplyRulesTest {
  @TempDir Path tmp;
  Path layer;
  final Posix px = Posix.get();

  @BeforeEach
  void layer() throws Exception {
    layer = Files.createDirectory(tmp.resolve("layer"));
  }

  /** A lower tree: what the layer holds before the apply (the parent's view, for a naive driver). */
  void lower() throws Exception {
    long size = LayerTar.apply(layer, tar().dir("a", 0755).file("a/old", 0644, "old").dir("a/sub", 0755)
        .file("a/sub/deep", 0644, "deep").file("keep", 0644, "keep").dir("d", 0700)
        .file("d/x", 0600, "x").stream(), WhiteoutFormat.DELETE);
    assertThat(size).isEqualTo(3 + 4 + 4 + 1);
  }

  String read(String rel) throws Exception {
    return Files.readString(layer.resolve(rel));
  }

  @Test
  void whiteoutRemovesTheLowerEntryAndLeavesNoTrace() throws Exception {
    lower();
    LayerTar.apply(layer, tar().whiteout("a/.wh.old").whiteout(".wh.d").stream(), WhiteoutFormat.DELETE);
    assertThat(paths(layer)).containsExactly("a", "a/sub", "a/sub/deep", "keep");
  }

  @Test
  void whiteoutNeverRemovesAnEntryOfTheSameTar() throws Exception {
    LayerTar.apply(layer, tar().file("new", 0644, "n").whiteout(".wh.new").dir("nd", 0755)
        .whiteout(".wh.nd").stream(), WhiteoutFormat.DELETE);
    assertThat(paths(layer)).containsExactly("nd", "new");
  }

  @Test
  void opaqueHidesEveryLowerChildWhereverItStandsInTheTar() throws Exception {
    lower();
    // the marker comes after an entry of this tar inside the same directory and a merged subdirectory
    LayerTar.apply(layer, tar().dir("a", 0755).dir("a/sub", 0755).file("a/sub/mine", 0644, "m")
        .file("a/new", 0644, "n").whiteout("a/.wh..wh..opq").stream(), WhiteoutFormat.DELETE);
    assertThat(paths(layer)).containsExactly("a", "a/new", "a/sub", "a/sub/mine", "d", "d/x", "keep");
  }

  @Test
  void bareWhiteoutIsAnErrorNamingTheEntry() throws Exception {
    lower();
    TreeSnapshot before = snap(layer);
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().file("a/ok", 0644, "ok").whiteout("a/.wh.")
        .stream(), WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("a/.wh.");
    assertThat(before.differences(snap(layer))).isEmpty();
  }

  @Test
  void existingPathIsReplacedUnlessBothAreDirectories() throws Exception {
    lower();
    long ino = px.lstat(layer.resolve("a")).ino();
    LayerTar.apply(layer, tar().dir("a", 0711).file("keep", 0600, "replaced").file("d", 0644, "dir->file")
        .dir("a/old", 0755).stream(), WhiteoutFormat.DELETE);
    FileStat a = px.lstat(layer.resolve("a"));
    assertThat(a.ino()).as("merged, not replaced").isEqualTo(ino);
    assertThat(a.permissions()).isEqualTo(0711);
    assertThat(read("a/sub/deep")).isEqualTo("deep");
    assertThat(read("keep")).isEqualTo("replaced");
    assertThat(px.lstat(layer.resolve("keep")).permissions()).isEqualTo(0600);
    assertThat(read("d")).isEqualTo("dir->file");
    assertThat(px.lstat(layer.resolve("a/old")).isDirectory()).isTrue();
  }

  @Test
  void missingParentsAreCreated0755AndDirectoryTimesSetAfterAllEntries() throws Exception {
    TarHelper t = new TarHelper();
    t.tar.mtime = 1_000_000;
    t.tar.dir("x", 0700);
    t.tar.mtime = 2_000_000;
    t.tar.file("x/y/z/f", 0644, "f").file("x/g", 0644, "g");
    LayerTar.apply(layer, t.tar.stream(), WhiteoutFormat.DELETE);
    assertThat(px.lstat(layer.resolve("x/y")).permissions()).isEqualTo(0755);
    assertThat(px.lstat(layer.resolve("x/y/z")).permissions()).isEqualTo(0755);
    FileStat x = px.lstat(layer.resolve("x"));
    assertThat(x.mtimeSec()).as("set after its children were created").isEqualTo(1_000_000);
    assertThat(x.permissions()).isEqualTo(0700);
  }

  static final class TarHelper {
    final LayerApplySupport.Tar tar = tar();
  }

  @Test
  void everyEntryKindIsCreated() throws Exception {
    byte[] cap = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    LayerTar.apply(layer, tar().dir("dir", 0755)
        .file("reg", 04755, "data", Map.of("security.capability", cap, "user.k", "v".getBytes()))
        .symlink("sym", "../../etc/passwd").link("hard", "reg")
        .device("chr", TarEntry.CHR, 1, 3).device("blk", TarEntry.BLK, 7, 0).device("fifo", TarEntry.FIFO, 0, 0)
        .stream(), WhiteoutFormat.DELETE);
    assertThat(px.lstat(layer.resolve("reg")).permissions()).isEqualTo(04755);
    assertThat(px.getXattr(layer.resolve("reg"), "security.capability")).contains(cap);
    assertThat(px.getXattr(layer.resolve("reg"), "user.k")).contains("v".getBytes());
    assertThat(Files.readSymbolicLink(layer.resolve("sym")).toString()).isEqualTo("../../etc/passwd");
    assertThat(px.lstat(layer.resolve("hard")).ino()).isEqualTo(px.lstat(layer.resolve("reg")).ino());
    FileStat chr = px.lstat(layer.resolve("chr"));
    assertThat(chr.isCharDevice()).isTrue();
    assertThat(chr.rdevMajor()).isEqualTo(1);
    assertThat(chr.rdevMinor()).isEqualTo(3);
    assertThat(px.lstat(layer.resolve("blk")).isBlockDevice()).isTrue();
    assertThat(px.lstat(layer.resolve("fifo")).isFifo()).isTrue();
  }

  @Test
  void symlinksAreNeverFollowedWhileWriting() throws Exception {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("passwd"), "secret");
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().symlink("a", outside.toString())
        .file("a/passwd", 0644, "pwned").stream(), WhiteoutFormat.DELETE))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("a/passwd")
        .hasMessageContaining("symlink");
    assertThat(Files.readString(outside.resolve("passwd"))).isEqualTo("secret");
    assertThat(paths(layer)).isEmpty();
    // a symlink already in the layer is refused the same way, and a symlink entry replaces, not follows
    px.symlink(outside.toString(), layer.resolve("b"));
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().file("b/passwd", 0644, "x").stream(),
        WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class);
    LayerTar.apply(layer, tar().file("b", 0644, "plain").stream(), WhiteoutFormat.DELETE);
    assertThat(read("b")).isEqualTo("plain");
    assertThat(Files.readString(outside.resolve("passwd"))).isEqualTo("secret");
  }

  @Test
  void dotDotAndEscapingNamesAreRefused() throws Exception {
    for (String bad : new String[] {"../x", "a/../../x", "a/..", ".."}) {
      assertThatThrownBy(() -> LayerTar.apply(layer, tar().file(bad, 0644, "x").stream(),
          WhiteoutFormat.DELETE)).as(bad).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("..");
    }
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().whiteout("a/.wh..").stream(),
        WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().file("f", 0644, "f").link("l", "../f").stream(),
        WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class);
    assertThat(paths(layer)).isEmpty();
  }

  @Test
  void absoluteNamesStayInsideTheLayer() throws Exception {
    LayerTar.apply(layer, tar().file("/etc/hosts", 0644, "h").stream(), WhiteoutFormat.DELETE);
    assertThat(read("etc/hosts")).isEqualTo("h");
  }

  @Test
  void hardlinkTargetsMustBeInTheLayer() throws Exception {
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().link("l", "not-yet").file("not-yet", 0644, "x")
        .stream(), WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'l'").hasMessageContaining("not-yet");
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().dir("d", 0755).link("l", "d").stream(),
        WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class);
    assertThat(paths(layer)).isEmpty();
  }

  @Test
  void trustedOverlayXattrsFromATarAreRefused() throws Exception {
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().dir("d", 0755)
        .file("d/f", 0644, "x", Map.of("trusted.overlay.opaque", "y".getBytes())).stream(),
        WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("trusted.overlay.opaque").hasMessageContaining("d/f");
    assertThat(paths(layer)).isEmpty();
  }

  @Test
  void paxAndGnuLongNamesBigIdsAndNanosecondTimes() throws Exception {
    String longName = "d/" + "n".repeat(150) + "/" + "ü".repeat(80);
    LayerApplySupport.Tar t = tar();
    TarEntry e = t.entry(longName, TarEntry.REG, 0644, 1, "", Map.of());
    e.uid = 3_000_000;
    e.gid = 4_000_000;
    t.raw(e, new byte[] {'x'});
    byte[] bytes = t.bytes();
    LayerTar.apply(layer, new java.io.ByteArrayInputStream(bytes), WhiteoutFormat.DELETE);
    FileStat st = px.lstat(layer.resolve(longName));
    assertThat(st.uid()).isEqualTo(3_000_000);
    assertThat(st.gid()).isEqualTo(4_000_000);
    // GNU tar: long names as 'L' members, nanosecond mtimes as PAX records
    Path src = Files.createDirectories(tmp.resolve("src/" + "g".repeat(120)));
    Files.writeString(src.resolve("f"), "gnu");
    px.setTimes(src.resolve("f"), 5, 123456789, 5, 123456789);
    Path gnuTar = tmp.resolve("gnu.tar");
    Path paxTar = tmp.resolve("pax.tar");
    run("tar", "--format=gnu", "-C", tmp.resolve("src").toString(), "-cf", gnuTar.toString(), ".");
    run("tar", "--format=pax", "-C", tmp.resolve("src").toString(), "-cf", paxTar.toString(), ".");
    Path l2 = Files.createDirectory(tmp.resolve("l2"));
    LayerTar.apply(l2, Files.newInputStream(gnuTar), WhiteoutFormat.DELETE);
    assertThat(Files.readString(l2.resolve("g".repeat(120) + "/f"))).isEqualTo("gnu");
    Path l3 = Files.createDirectory(tmp.resolve("l3"));
    LayerTar.apply(l3, Files.newInputStream(paxTar), WhiteoutFormat.DELETE);
    FileStat f = px.lstat(l3.resolve("g".repeat(120) + "/f"));
    assertThat(f.mtimeSec()).isEqualTo(5);
    assertThat(f.mtimeNsec()).isEqualTo(123456789);
  }

  @Test
  void sizesOver8GiBComeFromPax() throws Exception {
    // a header claiming 9 GiB through PAX, then a truncated stream: the size must be read, not clipped
    LayerApplySupport.Tar t = tar();
    TarEntry e = t.entry("huge", TarEntry.REG, 0644, 9L << 30, "", Map.of());
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    TarWriter w = new TarWriter(raw);
    w.writeHeader(e, 0100644);
    w.finish();
    assertThatThrownBy(() -> LayerTar.apply(layer, new java.io.ByteArrayInputStream(raw.toByteArray()),
        WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("truncated").hasMessageContaining("huge");
    assertThat(new String(raw.toByteArray(), 0, 600, StandardCharsets.ISO_8859_1))
        .contains("size=" + (9L << 30));
    assertThat(paths(layer)).isEmpty();
  }

  @Test
  void gnuDialectWithDotSlashNamesAndPermissionOnlyModes() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/etc"));
    Files.writeString(src.resolve("hosts"), "h");
    px.chmod(src.resolve("hosts"), 0640);
    Path gnuTar = tmp.resolve("gnu.tar");
    run("tar", "--format=gnu", "--numeric-owner", "-C", tmp.resolve("src").toString(), "-cf",
        gnuTar.toString(), "./");
    LayerTar.apply(layer, Files.newInputStream(gnuTar), WhiteoutFormat.DELETE);
    assertThat(read("etc/hosts")).isEqualTo("h");
    assertThat(px.lstat(layer.resolve("etc/hosts")).permissions()).isEqualTo(0640);
  }

  @Test
  void dockerWhiteoutWithALinkNameIsAWhiteout() throws Exception {
    lower();
    LayerApplySupport.Tar t = tar();
    t.raw(t.entry("a/.wh.old", TarEntry.REG, 0600, 0, "data/delete.txt", Map.of()), null);
    t.raw(t.entry(".wh.keep", TarEntry.REG, 0600, 0, "a/.wh.old", Map.of()), null);
    LayerTar.apply(layer, t.stream(), WhiteoutFormat.DELETE);
    assertThat(paths(layer)).containsExactly("a", "a/sub", "a/sub/deep", "d", "d/x");
  }

  @Test
  void returnedSizeIsTheSumOfRegularFileSizes() throws Exception {
    long size = LayerTar.apply(layer, tar().file("a", 0644, "12345").symlink("s", "target-name")
        .link("h", "a").dir("d", 0755).file("d/b", 0644, "678").stream(), WhiteoutFormat.DELETE);
    assertThat(size).isEqualTo(8);
  }

  @Test
  void aufsFormatKeepsWhiteoutFiles() throws Exception {
    lower();
    LayerTar.apply(layer, tar().whiteout("a/.wh.old").dir("d", 0700).whiteout("d/.wh..wh..opq").stream(),
        WhiteoutFormat.AUFS);
    assertThat(paths(layer)).containsExactly("a", "a/.wh.old", "a/sub", "a/sub/deep", "d",
        "d/.wh..wh..opq", "keep");
  }

  @Test
  void overlayFormatWritesCharDevicesAndOpaqueXattr() throws Exception {
    LayerTar.apply(layer, tar().dir("a", 0755).whiteout("a/.wh.gone").dir("o", 0755)
        .whiteout("o/.wh..wh..opq").whiteout("implied/.wh.x").stream(), WhiteoutFormat.OVERLAY);
    FileStat wh = px.lstat(layer.resolve("a/gone"));
    assertThat(wh.isOverlayWhiteout()).isTrue();
    assertThat(px.lstat(layer.resolve("implied/x")).isOverlayWhiteout()).isTrue();
    assertThat(px.getXattr(layer.resolve("o"), "trusted.overlay.opaque")).contains(new byte[] {'y'});
    assertThat(paths(layer)).containsExactly("a", "a/gone", "implied", "implied/x", "o");
    Path user = Files.createDirectory(tmp.resolve("user"));
    LayerTar.apply(user, tar().dir("o", 0755).whiteout("o/.wh..wh..opq").stream(),
        WhiteoutFormat.overlay("user."));
    assertThat(px.getXattr(user.resolve("o"), "user.overlay.opaque")).contains(new byte[] {'y'});
  }

  @Test
  void topLevelAufsBookkeepingIsSkippedAndPseudoLinksResolve() throws Exception {
    LayerTar.apply(layer, tar().dir(".wh..wh.orph", 0700).dir(".wh..wh.plnk", 0700)
        .file(".wh..wh.plnk/12.34", 0644, "linked").link("a", ".wh..wh.plnk/12.34")
        .file(".wh..wh.aufs", 0600, "").stream(), WhiteoutFormat.DELETE);
    assertThat(paths(layer)).containsExactly("a");
    assertThat(read("a")).isEqualTo("linked");
  }

  @Test
  void rootEntryAppliesToTheLayerRoot() throws Exception {
    LayerApplySupport.Tar t = tar();
    t.mtime = 42;
    LayerTar.apply(layer, t.dir("./", 0711).file("f", 0644, "x").stream(), WhiteoutFormat.DELETE);
    FileStat r = px.lstat(layer);
    assertThat(r.permissions()).isEqualTo(0711);
    assertThat(r.mtimeSec()).isEqualTo(42);
    assertThatThrownBy(() -> LayerTar.apply(layer, tar().file("./", 0644, "x").stream(),
        WhiteoutFormat.DELETE)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void notALayerDirectoryIsATypedError() throws Exception {
    assertThatThrownBy(() -> LayerTar.apply(tmp.resolve("missing"), tar().stream(), WhiteoutFormat.DELETE))
        .isInstanceOf(org.unionfs.api.error.LayerNotFoundException.class).hasMessageContaining("missing");
    Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> LayerTar.apply(tmp.resolve("file"), tar().stream(), WhiteoutFormat.DELETE))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void duplicatePathsInOneTarAreReplacedByTheLaterMember() throws Exception {
    for (WhiteoutFormat f : new WhiteoutFormat[] {WhiteoutFormat.DELETE, WhiteoutFormat.OVERLAY}) {
      Path l = Files.createTempDirectory(tmp, "dup");
      LayerTar.apply(l, tar().dir("a", 0755).file("a/f", 0644, "first").file("a/f", 0600, "second")
          .whiteout("a/.wh.x").file("a/x", 0644, "re-added").dir("a/d", 0755).file("a/d", 0644, "file now")
          .file("top", 0644, "1").dir("top", 0700).stream(), f);
      assertThat(Files.readString(l.resolve("a/f"))).isEqualTo("second");
      assertThat(px.lstat(l.resolve("a/f")).permissions()).isEqualTo(0600);
      assertThat(Files.readString(l.resolve("a/x"))).isEqualTo("re-added");
      assertThat(Files.readString(l.resolve("a/d"))).isEqualTo("file now");
      assertThat(px.lstat(l.resolve("top")).isDirectory()).isTrue();
    }
  }

  static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
  }
}
