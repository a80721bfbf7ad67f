package org.unionfs.api.layer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.api.layer.testing.HostileCase.accept;
import static org.unionfs.api.layer.testing.HostileCase.reject;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * The half of the hostile corpus that attacks the file system: {@code ..} and absolute names, writes
 * through symlinks (new ones and ones already in the layer), whiteouts and opaque markers that escape,
 * hardlinks to missing, later, outside or looping targets, {@code trusted.overlay.*} xattrs, type changes
 * and duplicates. The layer starts as {@link Sandbox} describes.
 */
public final class HostilePathCorpus {
  private HostilePathCorpus() {}

  private static TarBytes t() {
    return new TarBytes();
  }

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  public static List<HostileCase> cases() {
    return List.of(
        // ---- names with .. or absolute
        reject("dotdot-name", s -> t().file("../escape.txt", "x").end().bytes(), "../escape.txt"),
        reject("dotdot-in-middle", s -> t().file("sub/../../escape.txt", "x").end().bytes(),
            "sub/../../escape.txt"),
        reject("dotdot-dir", s -> t().dir("../").end().bytes(), ".."),
        reject("dotdot-in-ustar-prefix", s -> {
          TarBytes.Header h = TarBytes.header("escape.txt", TarBytes.REG);
          h.prefix = "../..";
          return t().entry(h, new byte[0]).end().bytes();
        }, "../../escape.txt"),
        reject("pax-path-dotdot", s -> t().pax("path", "../../outside/pwned")
            .file("innocent.txt", "x").end().bytes(), "../../outside/pwned"),
        reject("gnu-longname-dotdot", s -> t().gnuLongName("../../outside/pwned2")
            .file("innocent", "x").end().bytes(), "../../outside/pwned2"),
        reject("absolute-dotdot", s -> t().file("/../escape.txt", "x").end().bytes(), "escape.txt"),
        accept("absolute-name-stays-inside", s -> t().file("/abs.txt", "abs").end().bytes(),
            (s, n) -> assertThat(s.layer("abs.txt")).hasContent("abs")),
        accept("absolute-host-path-stays-inside", s -> t().file(s.abs("outside/passwd"), "inside")
            .end().bytes(), (s, n) -> assertThat(s.layer(s.abs("outside/passwd").substring(1)))
            .hasContent("inside")),
        // ---- writing through symlinks
        reject("symlink-then-write-absolute", s -> t().symlink("a", s.abs("outside"))
            .file("a/passwd", "pwned").end().bytes(), "a/passwd"),
        reject("symlink-then-write-relative", s -> t().symlink("a", "../outside")
            .file("a/passwd", "pwned").end().bytes(), "a/passwd"),
        reject("symlink-then-mkdir", s -> t().symlink("a", s.abs("outside")).dir("a/newdir/")
            .end().bytes(), "a/newdir"),
        reject("existing-symlink-write-relative", s -> t().file("evil/passwd", "pwned").end().bytes(),
            "evil/passwd"),
        reject("existing-symlink-write-absolute", s -> t().file("evilabs/passwd", "pwned").end()
            .bytes(), "evilabs/passwd"),
        reject("existing-symlink-implied-parent", s -> t().file("evil/newdir/file", "pwned").end()
            .bytes(), "evil/newdir/file"),
        reject("symlink-deep-in-path", s -> t().dir("a/").symlink("a/b", "../../outside")
            .file("a/b/c/d", "pwned").end().bytes(), "a/b/c/d"),
        reject("dir-replaced-by-symlink-then-write", s -> t().dir("d/").file("d/f1", "1")
            .symlink("d", s.abs("outside")).file("d/f2", "pwned").end().bytes(), "d/f2"),
        // ---- whiteouts and opaque markers that escape
        reject("whiteout-dotdot-base", s -> t().whiteout(".wh...").end().bytes(), ".wh..."),
        reject("whiteout-in-parent", s -> t().whiteout("../.wh.x").end().bytes(), "../.wh.x"),
        reject("whiteout-dotdot-in-subdir", s -> t().whiteout("lowerdir/.wh...").end().bytes(),
            "lowerdir/.wh..."),
        reject("bare-whiteout", s -> t().whiteout(".wh.").end().bytes(), ".wh."),
        reject("bare-whiteout-in-subdir", s -> t().whiteout("lowerdir/.wh.").end().bytes(),
            "lowerdir/.wh."),
        reject("whiteout-through-existing-symlink", s -> t().whiteout("evil/.wh.passwd").end().bytes(),
            "evil/.wh.passwd"),
        reject("whiteout-through-new-symlink", s -> t().symlink("a", s.abs("outside"))
            .whiteout("a/.wh.passwd").end().bytes(), "a/.wh.passwd"),
        reject("opaque-through-existing-symlink", s -> t().whiteout("evil/.wh..wh..opq").end().bytes(),
            "evil/.wh..wh..opq"),
        reject("opaque-through-new-symlink", s -> t().symlink("a", s.abs("outside"))
            .whiteout("a/.wh..wh..opq").end().bytes(), "a/.wh..wh..opq"),
        reject("whiteout-pax-path-escape", s -> t().pax("path", "../outside/.wh.passwd")
            .whiteout("innocent").end().bytes(), "../outside/.wh.passwd"),
        reject("opaque-under-regular-file", s -> t().whiteout("existing.txt/.wh..wh..opq").end()
            .bytes(), "existing.txt/.wh..wh..opq"),
        reject("file-under-regular-file", s -> t().file("existing.txt/child", "x").end().bytes(),
            "existing.txt/child"),
        // ---- hardlinks
        reject("hardlink-to-missing", s -> t().hardlink("hl", "nonexistent").end().bytes(), "hl"),
        reject("hardlink-to-later-entry", s -> t().hardlink("hl", "later.txt").file("later.txt", "l")
            .end().bytes(), "hl"),
        reject("hardlink-dotdot", s -> t().hardlink("hl", "../outside/passwd").end().bytes(), "hl"),
        reject("hardlink-absolute-host-path", s -> t().hardlink("hl", s.abs("outside/passwd")).end()
            .bytes(), "hl"),
        reject("hardlink-through-new-symlink", s -> t().symlink("s", s.abs("outside"))
            .hardlink("hl", "s/passwd").end().bytes(), "hl"),
        reject("hardlink-through-existing-symlink", s -> t().hardlink("hl", "evil/passwd").end()
            .bytes(), "hl"),
        reject("hardlink-loop", s -> t().hardlink("loop-a", "loop-b").hardlink("loop-b", "loop-a")
            .end().bytes(), "loop-a"),
        reject("hardlink-to-itself", s -> t().hardlink("self", "self").end().bytes(), "self"),
        reject("hardlink-to-directory", s -> t().dir("d/").hardlink("hl", "d").end().bytes(), "hl"),
        reject("hardlink-pax-linkpath-dotdot", s -> t().pax("linkpath", "../outside/passwd")
            .hardlink("hl", "innocent").end().bytes(), "hl", "../outside/passwd"),
        reject("hardlink-gnu-longlink-dotdot", s -> t().gnuLongLink("../outside/passwd")
            .hardlink("hl", "innocent").end().bytes(), "hl", "../outside/passwd"),
        accept("hardlink-to-symlink-links-the-symlink", s -> t().symlink("s", s.abs("outside/passwd"))
            .hardlink("hl", "s").end().bytes(), (s, n) -> {
              assertThat(Files.isSymbolicLink(s.layer("hl"))).isTrue();
              assertThat(Files.readSymbolicLink(s.layer("hl"))).hasToString(s.abs("outside/passwd"));
              assertThat(stat(s.layer("hl")).ino()).isEqualTo(stat(s.layer("s")).ino());
            }),
        // ---- metadata and replacement must not follow symlinks or hardlinks out
        accept("symlink-metadata-not-followed", s -> {
          TarBytes.Header h = TarBytes.header("s2", TarBytes.SYMLINK);
          h.linkname = s.abs("outside/passwd");
          h.mode = 0777;
          h.uid = 4321;
          h.gid = 4321;
          h.mtime = 1;
          return t().entry(h, new byte[0]).end().bytes();
        }, (s, n) -> {
          FileStat st = stat(s.layer("s2"));
          assertThat(st.isSymbolicLink()).isTrue();
          assertThat(st.uid()).isEqualTo(4321);
        }),
        accept("file-replaces-hardlink-to-outside", s -> t().file("shared", "new\n").end().bytes(),
            (s, n) -> {
              assertThat(s.layer("shared")).hasContent("new");
              assertThat(stat(s.layer("shared")).nlink()).isEqualTo(1);
            }),
        accept("dir-entry-replaces-existing-symlink", s -> {
          TarBytes.Header h = TarBytes.header("evil/", TarBytes.DIR);
          h.mode = 0700;
          return t().entry(h, new byte[0]).end().bytes();
        }, (s, n) -> {
          assertThat(Files.isDirectory(s.layer("evil"), NOFOLLOW)).isTrue();
          assertThat(stat(s.layer("evil")).permissions()).isEqualTo(0700);
        }),
        accept("file-entry-replaces-existing-symlink", s -> t().file("evilabs", "f").end().bytes(),
            (s, n) -> assertThat(Files.isRegularFile(s.layer("evilabs"), NOFOLLOW)).isTrue()),
        accept("dangling-escaping-symlink-is-data", s -> t().symlink("s3", "../../../../etc/shadow")
            .end().bytes(), (s, n) -> assertThat(Files.readSymbolicLink(s.layer("s3")))
            .hasToString("../../../../etc/shadow")),
        // ---- trusted.overlay.* from a tar is refused
        reject("pax-xattr-trusted-overlay-opaque", s -> t()
            .pax("SCHILY.xattr.trusted.overlay.opaque", "y").dir("lowerdir/").end().bytes(), "lowerdir"),
        reject("pax-xattr-trusted-overlay-whiteout", s -> t()
            .pax("SCHILY.xattr.trusted.overlay.whiteout", "y").file("wo.txt", "").end().bytes(),
            "wo.txt"),
        reject("pax-xattr-trusted-overlay-redirect", s -> t()
            .pax("SCHILY.xattr.trusted.overlay.redirect", "/outside").dir("redir/").end().bytes(),
            "redir"),
        // ---- whiteout semantics that a careless engine gets wrong
        accept("whiteout-with-docker-linkname-quirk", s -> {
          TarBytes.Header h = TarBytes.header(".wh.existing.txt", TarBytes.REG);
          h.mode = 0600;
          h.linkname = "lowerdir/child";
          return t().entry(h, new byte[0]).end().bytes();
        }, (s, n) -> {
          assertThat(Files.exists(s.layer("existing.txt"), NOFOLLOW)).isFalse();
          assertThat(s.layer("lowerdir/child")).hasContent("child");
        }),
        accept("whiteout-never-hides-same-tar-entry", s -> t().file("new.txt", "n").whiteout(".wh.new.txt")
            .end().bytes(), (s, n) -> assertThat(s.layer("new.txt")).hasContent("n")),
        accept("whiteout-after-readd-keeps-new", s -> t().file("existing.txt", "upper")
            .whiteout(".wh.existing.txt").end().bytes(),
            (s, n) -> assertThat(s.layer("existing.txt")).hasContent("upper")),
        accept("opaque-marker-after-children", s -> t().file("lowerdir/new", "n")
            .whiteout("lowerdir/.wh..wh..opq").end().bytes(), (s, n) -> {
              assertThat(s.layer("lowerdir/new")).hasContent("n");
              assertThat(s.layer("lowerdir").toFile().list()).containsExactly("new");
            }),
        accept("opaque-marker-at-root", s -> t().whiteout(".wh..wh..opq").file("top.txt", "t").end()
            .bytes(), (s, n) -> assertThat(s.layer.toFile().list()).containsExactly("top.txt")),
        accept("aufs-metadata-entries-skipped", s -> t().file(".wh..wh.plnk/123.456", "p")
            .whiteout(".wh..wh.aufs").end().bytes(), (s, n) -> {
              assertThat(Files.exists(s.layer(".wh..wh.plnk"), NOFOLLOW)).isFalse();
              assertThat(Files.exists(s.layer(".wh..wh.aufs"), NOFOLLOW)).isFalse();
            }),
        // ---- duplicates and type changes inside one tar and against the layer
        accept("duplicate-path-last-wins", s -> t().file("dup.txt", "one").file("dup.txt", "two")
            .end().bytes(), (s, n) -> assertThat(s.layer("dup.txt")).hasContent("two")),
        accept("file-then-dir-same-path", s -> t().file("x", "f").dir("x/").file("x/y", "y").end()
            .bytes(), (s, n) -> assertThat(s.layer("x/y")).hasContent("y")),
        accept("dir-then-file-same-path", s -> t().dir("x/").file("x/c", "c").file("x", "f").end()
            .bytes(), (s, n) -> assertThat(Files.isRegularFile(s.layer("x"), NOFOLLOW)).isTrue()),
        accept("lower-dir-replaced-by-file", s -> t().file("lowerdir", "f").end().bytes(),
            (s, n) -> assertThat(s.layer("lowerdir")).hasContent("f")),
        accept("lower-file-replaced-by-dir", s -> t().dir("existing.txt/").end().bytes(),
            (s, n) -> assertThat(Files.isDirectory(s.layer("existing.txt"), NOFOLLOW)).isTrue()),
        reject("root-replaced-by-symlink", s -> t().symlink("./", s.abs("outside")).end().bytes()),
        reject("root-replaced-by-file", s -> t().file(".", "x").end().bytes()));
  }

  static FileStat stat(Path p) throws java.io.IOException {
    return Posix.get().lstat(p);
  }
}
