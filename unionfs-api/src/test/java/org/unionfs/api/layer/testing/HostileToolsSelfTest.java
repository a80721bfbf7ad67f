package org.unionfs.api.layer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the corpus tools honest: what {@link TarBytes} writes is what GNU tar reads (so a hostile tar
 * differs from a valid one only where a case says), {@link GzipBomb} is valid gzip of the announced
 * length, {@link TreeSnapshot}'s text form reads back to itself, {@link UnionView} follows aufs's rules.
 */
class HostileToolsSelfTest {

  @Test
  void gnuTarReadsWhatTarBytesWrites(@TempDir Path tmp) throws Exception {
    assumeTrue(Cmd.available("tar"), "GNU tar is not installed");
    TarBytes.Header big = TarBytes.header("biguid.txt", TarBytes.REG);
    big.uid = 2097152; // base-256
    big.size = 3;
    TarBytes.Header pre = TarBytes.header("name.txt", TarBytes.REG);
    pre.prefix = "dir/sub";
    byte[] tar = new TarBytes().dir("dir/").file("dir/a.txt", "abc").symlink("s", "dir/a.txt")
        .hardlink("h", "dir/a.txt").entry(big, "big".getBytes()).entry(pre, new byte[0])
        .pax(Map.of("path", "pax/\u00fc-long-" + "x".repeat(120), "uid", "4000000"))
        .file("ignored-name", "p").gnuLongName("gnu/" + "y".repeat(150)).file("short", "g")
        .whiteout("dir/.wh.gone").end().bytes();
    Path f = tmp.resolve("t.tar");
    Files.write(f, tar);
    Cmd.Result r = Cmd.run("tar", "--numeric-owner", "-tvf", f.toString()).ok();
    assertThat(r.err()).isEmpty();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(9);
    assertThat(lines.get(4)).contains("2097152/0").contains("biguid.txt");
    assertThat(lines.get(5)).endsWith("dir/sub/name.txt");
    assertThat(lines.get(6)).contains("4000000/0").endsWith("pax/\u00fc-long-" + "x".repeat(120));
    assertThat(lines.get(7)).endsWith("gnu/" + "y".repeat(150));
    assertThat(lines.get(3)).contains("h link to dir/a.txt");
  }

  @Test
  void corruptedChecksumIsTheOnlyDifference(@TempDir Path tmp) throws Exception {
    assumeTrue(Cmd.available("tar"), "GNU tar is not installed");
    TarBytes.Header h = TarBytes.header("bad.txt", TarBytes.REG);
    h.checksumOverride = 1L;
    Path f = tmp.resolve("bad.tar");
    Files.write(f, new TarBytes().entry(h, new byte[0]).end().bytes());
    assertThat(Cmd.run("tar", "-tf", f.toString()).err()).contains("Skipping to next header");
  }

  @Test
  void gzipBombIsValidGzipOfTheAnnouncedLength() throws Exception {
    byte[] prefix = "prefix".getBytes();
    byte[] gz = GzipBomb.build(prefix, 8);
    long n = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      byte[] buf = new byte[1 << 16];
      int k;
      while ((k = in.read(buf)) > 0) {
        n += k;
      }
    } // GZIPInputStream checks CRC and ISIZE at the end
    assertThat(n).isEqualTo(prefix.length + (8L << 20));
    assertThat(gz.length).isLessThan(64 * 1024);
  }

  @Test
  void snapshotTextReadsBackToItself(@TempDir Path tmp) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "the rich tree needs root");
    RichTree.create(tmp, false);
    TreeSnapshot s = TreeSnapshot.of(tmp);
    assertThat(TreeSnapshot.parse(s.toText()).diff(s)).isEmpty();
    assertThat(s.get("/a/hl_3").hardlink()).isEqualTo("/a/hl_3");
    assertThat(s.get("/hl_2").hardlink()).isEqualTo("/a/hl_3");
    assertThat(s.get("/setuid").perms()).isEqualTo(04755);
    assertThat(s.get("/chardev").rdev()).isEqualTo("1,3");
    assertThat(s.get("/a").xattrs()).containsEntry("user.bin", "0x000102ff0a3d");
    assertThat(s.get("/with space.txt").line()).startsWith("/with\\x20space.txt ");
  }

  @Test
  void unionViewFollowsAufsRules() {
    TreeSnapshot lower = TreeSnapshot.parse(String.join("\n",
        "/ type=d", "/a type=d", "/a/x type=f size=1", "/a/y type=f size=1", "/b type=d", "/b/z type=f",
        "/c type=f", "/d type=d", "/d/w type=f"));
    TreeSnapshot upper = TreeSnapshot.parse(String.join("\n",
        "/ type=d", "/a type=d mode=0700", "/a/.wh.x type=f", "/b type=d", "/b/.wh..wh..opq type=f",
        "/b/n type=f", "/c type=d", "/c/k type=f", "/d type=f", "/.wh..wh.plnk type=d"));
    TreeSnapshot v = UnionView.aufs(List.of(lower, upper));
    assertThat(v.entries().keySet()).containsExactly("/", "/a", "/a/y", "/b", "/b/n", "/c", "/c/k", "/d");
    assertThat(v.get("/a").perms()).isEqualTo(0700);
    assertThat(v.get("/d").type()).isEqualTo('f');
  }
}
