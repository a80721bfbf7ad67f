package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.api.layer.LayerApplySupport.snap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.Change;
import org.unionfs.api.fs.TreeSnapshot;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * The tars the engine writes: moby's ExportChanges encoding for naive diffs, the native whiteout
 * conversions of {@link LayerTar#writeTree}, determinism, and GNU tar reading them back.
 */
class LayerDiffTest {
  @TempDir Path tmp;
  final Posix px = Posix.get();
  static final byte[] CAP = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  /** A decoded member, for assertions. */
  record Member(String name, char type, int modeField, long uid, long gid, long size, long mtime,
      String link, Map<String, String> xattrs) {}

  /** Reads every member with the engine's own reader, mode field included. */
  static List<Member> members(byte[] tar) throws Exception {
    List<Member> out = new ArrayList<>();
    TarReader r = new TarReader(new ByteArrayInputStream(tar), 65536);
    TarEntry e;
    while ((e = r.next()) != null) {
      Map<String, String> x = new TreeMap<>();
      e.xattrs.forEach((k, v) -> x.put(k, new String(v, StandardCharsets.ISO_8859_1)));
      out.add(new Member(e.name, (char) e.type, e.mode, e.uid, e.gid, e.size, e.mtimeSec, e.linkName, x));
    }
    return out;
  }

  /** The raw mode field of every header, PAX headers included (typeflag, mode octal). */
  static List<String> rawHeaders(byte[] tar) {
    List<String> out = new ArrayList<>();
    for (int off = 0; off + 512 <= tar.length; ) {
      if (tar[off] == 0) {
        break;
      }
      String name = new String(tar, off, 100, StandardCharsets.ISO_8859_1).replace("\0", "");
      String mode = new String(tar, off + 100, 7, StandardCharsets.ISO_8859_1);
      String size = new String(tar, off + 124, 11, StandardCharsets.ISO_8859_1);
      char type = (char) tar[off + 156];
      out.add(type + " " + mode + " " + name);
      long n = Long.parseLong(size.trim(), 8);
      off += 512 + (int) ((n + 511) / 512 * 512);
    }
    return out;
  }

  static String sh(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }

  @Test
  void exportedChangesUseMobysEncoding() throws Exception {
    Path old = Files.createDirectory(tmp.resolve("old"));
    Path now = Files.createDirectory(tmp.resolve("new"));
    for (Path root : List.of(old, now)) {
      Files.createDirectories(root.resolve("d/sub"));
      Files.writeString(root.resolve("d/gone"), "g");
      Files.writeString(root.resolve("d/sub/gone2"), "g");
    }
    Files.delete(now.resolve("d/gone"));
    Files.delete(now.resolve("d/sub/gone2"));
    Files.writeString(now.resolve("d/a"), "aaa");
    Files.createLink(now.resolve("d/b"), now.resolve("d/a"));
    px.setXattr(now.resolve("d/a"), "security.capability", CAP);
    px.setXattr(now.resolve("d/a"), "user.dropped", "x".getBytes());
    px.setTimes(now.resolve("d/a"), 0, 0, 1_600_000_000L, 987654321);
    px.symlink("a", now.resolve("d/s"));
    px.chmod(now.resolve("d/a"), 04755);

    List<Change> changes = LayerTar.changes(now, old);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerTar.writeChanges(now, changes, out);
    byte[] tar = out.toByteArray();
    List<Member> m = members(tar);
    assertThat(m).extracting(Member::name).containsExactly("d/", "d/a", "d/b", "d/.wh.gone", "d/s",
        "d/sub/", "d/sub/.wh.gone2");
    Member a = m.get(1);
    assertThat(a.modeField()).isEqualTo(04755);
    assertThat(a.mtime()).as("whole seconds").isEqualTo(1_600_000_000L);
    assertThat(a.xattrs()).as("every xattr").containsOnlyKeys("security.capability", "user.dropped");
    assertThat(m.get(2).type()).isEqualTo('1');
    assertThat(m.get(2).link()).isEqualTo("d/a");
    Member wh = m.get(3);
    assertThat(wh.type()).isEqualTo('0');
    assertThat(wh.modeField()).isZero();
    assertThat(wh.uid()).isZero();
    assertThat(wh.size()).isZero();
    // moby reads the capability before the hardlink check, so the link's header carries it too
    assertThat(rawHeaders(tar)).as("type bits in the mode field; PAX only for the xattr").containsExactly(
        "5 0040755 d/", "x 0000000 d/PaxHeaders.0/a", "0 0104755 d/a", "x 0000000 d/PaxHeaders.0/b",
        "1 0104755 d/b",
        "0 0000000 d/.wh.gone", "2 0120777 d/s", "5 0040755 d/sub/", "0 0000000 d/sub/.wh.gone2");
    assertThat(tar.length % 512).isZero();
    assertThat(java.util.Arrays.copyOfRange(tar, tar.length - 1024, tar.length)).containsOnly(0);

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    LayerTar.writeChanges(now, LayerTar.changes(now, old), again);
    assertThat(again.toByteArray()).isEqualTo(tar);
    assertThat(LayerTar.changesSize(now, changes)).isEqualTo(3);
  }

  @Test
  void gnuTarReadsOurTarsAndExtractsTheSameTree() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    new RoundTripTrees(99, true).populate(src, 60, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerTar.writeTree(src, WhiteoutFormat.DELETE, out);
    Path tarFile = tmp.resolve("ours.tar");
    Files.write(tarFile, out.toByteArray());
    String listing = sh(tmp, "tar", "--numeric-owner", "-tvvf", tarFile.toString());
    assertThat(listing).doesNotContain("Ignoring unknown").doesNotContain("tar: ");
    Path gnu = Files.createDirectory(tmp.resolve("gnu"));
    sh(tmp, "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", tarFile.toString(),
        "-C", gnu.toString());
    Path ours = Files.createDirectory(tmp.resolve("ours"));
    LayerTar.apply(ours, new ByteArrayInputStream(out.toByteArray()), WhiteoutFormat.DELETE);
    TreeSnapshot g = snap(gnu);
    TreeSnapshot o = snap(ours);
    assertThat(withoutRoot(g).differences(withoutRoot(o))).isEmpty();
  }

  static TreeSnapshot withoutRoot(TreeSnapshot s) {
    Map<String, TreeSnapshot.Entry> m = new TreeMap<>(s.entries());
    m.remove("");
    return new TreeSnapshot(m);
  }

  @Test
  void overlayUpperIsExportedWithWhiteoutsAndOpaqueMarkers() throws Exception {
    Path upper = Files.createDirectory(tmp.resolve("upper"));
    Files.createDirectories(upper.resolve("dir/opq"));
    Files.writeString(upper.resolve("dir/opq/kept"), "k");
    px.setXattr(upper.resolve("dir/opq"), "trusted.overlay.opaque", new byte[] {'y'});
    px.setXattr(upper.resolve("dir"), "trusted.overlay.origin", new byte[] {1, 2});
    px.mknod(upper.resolve("dir/gone"), FileStat.S_IFCHR, 0);
    px.setTimes(upper.resolve("dir/gone"), 0, 0, 1234, 0);
    Files.writeString(upper.resolve("dir/new"), "n");
    Files.createFile(upper.resolve("dir/xwh"));
    px.setXattr(upper.resolve("dir/xwh"), "trusted.overlay.whiteout", new byte[0]);
    px.setXattr(upper.resolve("dir/new"), "user.kept", "1".getBytes());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerTar.writeTree(upper, WhiteoutFormat.OVERLAY, out);
    List<Member> m = members(out.toByteArray());
    assertThat(m).extracting(Member::name).containsExactly("dir/", "dir/.wh.gone", "dir/new", "dir/opq/",
        "dir/opq/.wh..wh..opq", "dir/opq/kept", "dir/.wh.xwh");
    assertThat(m.get(0).xattrs()).as("overlay's own xattrs never leave").isEmpty();
    assertThat(m.get(1).modeField()).isEqualTo(0600);
    assertThat(m.get(1).mtime()).isEqualTo(1234);
    assertThat(m.get(2).xattrs()).containsOnlyKeys("user.kept");
    assertThat(m.get(3).xattrs()).isEmpty();
    assertThat(m.get(4).modeField()).isEqualTo(0755);
    assertThat(m.get(4).mtime()).isZero();

    // and back: applying the native diff to an empty upper gives the same upper
    Path again = Files.createDirectory(tmp.resolve("again"));
    LayerTar.apply(again, new ByteArrayInputStream(out.toByteArray()), WhiteoutFormat.OVERLAY);
    assertThat(px.lstat(again.resolve("dir/gone")).isOverlayWhiteout()).isTrue();
    assertThat(px.lstat(again.resolve("dir/xwh")).isOverlayWhiteout()).isTrue();
    assertThat(px.getXattr(again.resolve("dir/opq"), "trusted.overlay.opaque")).contains(new byte[] {'y'});
    ByteArrayOutputStream out2 = new ByteArrayOutputStream();
    LayerTar.writeTree(again, WhiteoutFormat.OVERLAY, out2);
    List<Member> m2 = members(out2.toByteArray());
    assertThat(m2).extracting(Member::name).containsExactly("dir/", "dir/.wh.gone", "dir/new", "dir/opq/",
        "dir/opq/.wh..wh..opq", "dir/opq/kept", "dir/.wh.xwh");
  }

  @Test
  void aufsBranchIsExportedWithoutBookkeeping() throws Exception {
    Path branch = Files.createDirectory(tmp.resolve("branch"));
    Files.writeString(branch.resolve(".wh..wh.aufs"), "");
    Files.createDirectory(branch.resolve(".wh..wh.plnk"));
    Files.createDirectory(branch.resolve(".wh..wh.orph"));
    Files.createDirectories(branch.resolve("d/o"));
    Files.createLink(branch.resolve("d/.wh.gone"), branch.resolve(".wh..wh.aufs"));
    Files.createLink(branch.resolve("d/.wh.gone2"), branch.resolve(".wh..wh.aufs"));
    Files.writeString(branch.resolve("d/o/.wh..wh..opq"), "");
    Files.writeString(branch.resolve("d/f"), "f");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerTar.writeTree(branch, WhiteoutFormat.AUFS, out);
    List<Member> m = members(out.toByteArray());
    assertThat(m).extracting(Member::name).containsExactly("d/", "d/.wh.gone", "d/.wh.gone2", "d/f",
        "d/o/", "d/o/.wh..wh..opq");
    assertThat(m).extracting(Member::type).containsOnly('5', '0');
    Path again = Files.createDirectory(tmp.resolve("again"));
    LayerTar.apply(again, new ByteArrayInputStream(out.toByteArray()), WhiteoutFormat.AUFS);
    assertThat(LayerApplySupport.paths(again)).containsExactly("d", "d/.wh.gone", "d/.wh.gone2", "d/f",
        "d/o", "d/o/.wh..wh..opq");
  }

  @Test
  void treeSizeCountsNonDirectoriesOncePerInode() throws Exception {
    Path d = Files.createDirectory(tmp.resolve("d"));
    Files.write(d.resolve("a"), new byte[100]);
    Files.createLink(d.resolve("b"), d.resolve("a"));
    Files.createDirectory(d.resolve("sub"));
    Files.write(d.resolve("sub/c"), new byte[10]);
    px.symlink("12345", d.resolve("s"));
    assertThat(LayerTar.treeSize(d)).isEqualTo(100 + 10 + 5);
  }
}
