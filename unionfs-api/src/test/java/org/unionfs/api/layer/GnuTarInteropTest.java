package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.Change;
import org.unionfs.api.layer.testing.Cmd;
import org.unionfs.api.layer.testing.RichTree;
import org.unionfs.api.layer.testing.TreeSnapshot;
import org.unionfs.api.posix.Posix;

/**
 * GNU tar (1.34, package {@code tar}) as the reference reader and writer of our tars:
 * <ul>
 *   <li>what {@link LayerTar#writeTree} and {@link LayerTar#writeChanges} write is listed by
 *       {@code tar -tvv} without a warning and extracted by {@code tar -xp --xattrs} to exactly the tree
 *       that {@link LayerTar#apply} makes of the same bytes;</li>
 *   <li>what GNU tar writes ({@code --format=gnu|oldgnu|posix|ustar}) applies through
 *       {@link LayerTar#apply} to exactly the tree GNU tar extracts, nanosecond mtimes included.</li>
 * </ul>
 * The layer root itself is left out where both sides start from a fresh directory that no entry names.
 */
class GnuTarInteropTest {
  private static final List<String> GNU_X = List.of("tar", "--numeric-owner", "--xattrs",
      "--xattrs-include=*", "-xpf");

  @BeforeAll
  static void tools() {
    assumeTrue("root".equals(System.getProperty("user.name")), "owners and devices: needs root");
    assumeTrue(Cmd.available("tar"), "GNU tar is not installed (apt package tar)");
  }

  @Test
  void writeTreeIsListedAndExtractedByGnuTarAsWeApplyIt(@TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RichTree.create(src, false);
    Path tar = tmp.resolve("tree.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      LayerTar.writeTree(src, WhiteoutFormat.DELETE, out);
    }

    assertListedWithoutWarnings(tar, TreeSnapshot.of(src).entries().keySet());
    TreeSnapshot gnu = gnuExtract(tar, tmp.resolve("gnu"));
    TreeSnapshot ours = applyOurs(tar, tmp.resolve("ours"), WhiteoutFormat.DELETE);

    assertThat(ours.diff(gnu)).as("GNU tar's extraction vs ours").isEmpty();
    TreeSnapshot expected = TreeSnapshot.of(src).without("/"::equals).mtimeSeconds();
    assertThat(ours.without("/"::equals).mtimeSeconds().diff(expected))
        .as("our apply of writeTree vs the source tree")
        .isEmpty();
  }

  @Test
  void writeChangesIsListedAndExtractedByGnuTarAsWeApplyIt(@TempDir Path tmp) throws Exception {
    Path lower = Files.createDirectory(tmp.resolve("lower"));
    RichTree.create(lower, false);
    Path upper = tmp.resolve("upper");
    Cmd.run("cp", "-a", lower.toString(), upper.toString()).ok();
    mutate(upper);
    List<Change> changes = LayerTar.changes(upper, lower);
    Path tar = tmp.resolve("changes.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      LayerTar.writeChanges(upper, changes, out);
    }

    Set<String> expectedNames = new TreeSet<>();
    changes.forEach(c -> expectedNames.add(c.kind() == org.unionfs.api.ChangeKind.DELETE
        ? parentOf(c.path()) + ".wh." + c.path().substring(c.path().lastIndexOf('/') + 1) : c.path()));
    assertListedWithoutWarnings(tar, expectedNames);

    // as plain archives (whiteouts stay files): GNU tar and our AUFS apply give the same tree
    TreeSnapshot gnu = gnuExtract(tar, tmp.resolve("gnu"));
    TreeSnapshot ours = applyOurs(tar, tmp.resolve("ours"), WhiteoutFormat.AUFS);
    assertThat(ours.diff(gnu)).as("GNU tar's extraction vs our AUFS apply").isEmpty();

    // as a layer over a copy of lower: our DELETE apply gives upper (what the tar stands for)
    Path child = tmp.resolve("child");
    Cmd.run("cp", "-a", lower.toString(), child.toString()).ok();
    try (InputStream in = Files.newInputStream(tar)) {
      LayerTar.apply(child, in, WhiteoutFormat.DELETE);
    }
    // directory mtimes: a dir only inside the tar as a parent of a change keeps its own; a changed
    // file carries every xattr (LayerTar.writeChanges documents it)
    TreeSnapshot want = TreeSnapshot.of(upper).mtimeSeconds().withoutMtime(e -> e.type() == 'd');
    TreeSnapshot got = TreeSnapshot.of(child).mtimeSeconds().withoutMtime(e -> e.type() == 'd');
    assertThat(got.diff(want)).as("lower + diff vs upper").isEmpty();
  }

  @ParameterizedTest(name = "--format={0}")
  @ValueSource(strings = {"gnu", "oldgnu", "posix", "ustar"})
  void gnuTarArchivesApplyAsGnuTarExtractsThem(String format, @TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RichTree.create(src, format.equals("ustar"));
    Path tar = tmp.resolve(format + ".tar");
    List<String> create = new java.util.ArrayList<>(List.of("tar", "--numeric-owner", "--sort=name",
        "--format=" + format, "-C", src.toString(), "-cf", tar.toString(), "."));
    if (format.equals("posix")) { // GNU tar stores xattrs only in POSIX archives
      create.addAll(1, List.of("--xattrs", "--xattrs-include=*"));
    }
    Cmd.run(create).ok();

    TreeSnapshot gnu = gnuExtract(tar, tmp.resolve("gnu"));
    TreeSnapshot ours = applyOurs(tar, tmp.resolve("ours"), WhiteoutFormat.DELETE);

    assertThat(ours.diff(gnu)).as("our apply vs GNU tar's extraction of a --format=%s archive", format)
        .isEmpty();
  }

  @Test
  void gnuTarArchiveWithoutDotSlashNamesApplies(@TempDir Path tmp) throws Exception {
    Path src = Files.createDirectory(tmp.resolve("src"));
    RichTree.create(src, false);
    Path list = tmp.resolve("top.list");
    String[] top = src.toFile().list();
    java.util.Arrays.sort(top);
    Files.write(list, String.join("\n", top).getBytes(StandardCharsets.UTF_8));
    Path tar = tmp.resolve("pax.tar");
    Cmd.run("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--sort=name", "--format=pax",
        "--pax-option=delete=atime,delete=ctime", "-C", src.toString(), "-cf", tar.toString(),
        "-T", list.toString()).ok();

    TreeSnapshot gnu = gnuExtract(tar, tmp.resolve("gnu")).without("/"::equals);
    TreeSnapshot ours = applyOurs(tar, tmp.resolve("ours"), WhiteoutFormat.DELETE).without("/"::equals);

    assertThat(ours.diff(gnu)).isEmpty();
    assertThat(ours.diff(TreeSnapshot.of(src).without("/"::equals))).as("vs the source").isEmpty();
  }

  // ------------------------------------------------------------------------------------------------

  /** Changes of every kind moby's naive diff reports, made on a copy of the rich tree. */
  private static void mutate(Path up) throws IOException {
    Posix px = Posix.get();
    Files.writeString(up.resolve("a/plain.txt"), "plain, modified\n");
    Files.delete(up.resolve("empty.txt"));
    Cmd.Result r;
    try {
      r = Cmd.run("rm", "-rf", up.resolve("deep").toString(), up.resolve("a/b").toString());
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
    assertThat(r.exit()).isZero();
    Files.writeString(up.resolve("a/b"), "dir became a file\n");
    Files.delete(up.resolve("setgid"));
    Files.createDirectories(up.resolve("setgid/sub"));
    Files.writeString(up.resolve("setgid/sub/new.txt"), "file became a dir\n");
    Files.writeString(up.resolve("added.txt"), "added\n");
    Files.writeString(up.resolve("nl_1"), "new hardlink pair\n");
    Files.createLink(up.resolve("nl_2"), up.resolve("nl_1"));
    Files.delete(up.resolve("sym_rel"));
    Files.createSymbolicLink(up.resolve("sym_rel"), Path.of("added.txt"));
    px.lchown(up.resolve("owned.txt"), 1234, 5678);
    px.setXattr(up.resolve("capbin"), "security.capability", new byte[] {1, 0, 0, 2, 0, 0x30, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    px.setTimes(up.resolve("fifo"), 1, 0, 1_234_567_890L, 0);
  }

  private static String parentOf(String path) {
    return path.substring(0, path.lastIndexOf('/') + 1);
  }

  /** {@code tar -tvv} exits 0, says nothing on stderr and lists exactly {@code paths} (root excluded). */
  private static void assertListedWithoutWarnings(Path tar, Set<String> paths) throws Exception {
    Cmd.Result r = Cmd.run("tar", "-tvvf", tar.toString()).ok();
    assertThat(r.err()).as("GNU tar warnings").isEmpty();
    Cmd.Result names = Cmd.run("tar", "-tf", tar.toString()).ok();
    Set<String> listed = new TreeSet<>();
    for (String n : names.out().split("\n")) {
      if (n.isEmpty()) {
        continue;
      }
      String p = "/" + (n.startsWith("./") ? n.substring(2) : n);
      p = p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
      if (!p.equals("/")) {
        listed.add(p);
      }
    }
    Set<String> want = new TreeSet<>(paths);
    want.remove("/");
    assertThat(listed).as("names listed by GNU tar").isEqualTo(want);
  }

  private static TreeSnapshot gnuExtract(Path tar, Path dest) throws Exception {
    Files.createDirectory(dest);
    Cmd.Result r = Cmd.run(concat(GNU_X, tar.toString(), "-C", dest.toString())).ok();
    assertThat(r.err()).as("GNU tar extraction warnings").isEmpty();
    return rootless(dest);
  }

  private static TreeSnapshot applyOurs(Path tar, Path dest, WhiteoutFormat f) throws IOException {
    Files.createDirectory(dest);
    try (InputStream in = Files.newInputStream(tar)) {
      LayerTar.apply(dest, in, f);
    }
    return rootless(dest);
  }

  /** The tree; the root's mtime only if an entry set it (both sides created it fresh otherwise). */
  private static TreeSnapshot rootless(Path dir) throws IOException {
    return TreeSnapshot.of(dir).withoutMtime(e -> e.path().equals("/")
        && !e.mtime().startsWith("15"));
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> r = new java.util.ArrayList<>(a);
    r.addAll(List.of(b));
    return r;
  }
}
