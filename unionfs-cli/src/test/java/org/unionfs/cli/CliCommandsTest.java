package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of {@code unionfs} end to end on the vfs driver, in-process. */
class CliCommandsTest {
  @TempDir
  Path home;

  @TempDir
  Path files;

  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home, "vfs");
  }

  private Cli.Result ok(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exit()).as("%s: %s", String.join(" ", args), r).isZero();
    assertThat(r.stderr()).as("stderr of %s", String.join(" ", args)).isEmpty();
    return r;
  }

  private Cli.Result okWithInput(byte[] in, String... args) {
    Cli.Result r = cli.runWithInput(in, args);
    assertThat(r.exit()).as("%s: %s", String.join(" ", args), r).isZero();
    return r;
  }

  /** The sum of the sizes of the regular files in {@link #baseTar()}. */
  private static final long BASE_SIZE =
      "127.0.0.1 localhost\n".length() + "hello\n".length() + "#!busybox\n".length() + "x".length();

  /** base: /etc/hosts, /etc/motd, /bin/sh -> busybox, /bin/busybox, /var/old/x. */
  private static byte[] baseTar() {
    return new LayerTars().dir("etc").file("etc/hosts", "127.0.0.1 localhost\n").file("etc/motd", "hello\n")
        .dir("bin").file("bin/busybox", "#!busybox\n", 0755).symlink("bin/sh", "busybox")
        .dir("var").dir("var/old").file("var/old/x", "x").plain();
  }

  /** child: changes /etc/hosts, deletes /etc/motd, replaces /var/old by an opaque dir, adds /new. */
  private static byte[] childTar() {
    return new LayerTars().dir("etc").file("etc/hosts", "10.0.0.1 changed\n").whiteout("etc/motd")
        .dir("var").dir("var/old").opaque("var/old").file("var/old/y", "y")
        .file("new", "new file\n", 0600).plain();
  }

  private void baseAndChild() throws IOException {
    ok("create", "base");
    okWithInput(baseTar(), "apply-diff", "base", "-");
    ok("create", "child", "--parent", "base");
    okWithInput(childTar(), "apply-diff", "child", "--parent", "base");
  }

  @Test
  void drivers_listsEveryDriverInPriorityOrder_vfsSupported() {
    Cli.Result r = new Cli(home, null).run("drivers");
    assertThat(r.exit()).as("%s", r).isZero();
    List<String> lines = r.lines();
    assertThat(lines.subList(0, 4)).extracting(l -> l.substring(0, l.indexOf(':')))
        .containsExactly("overlay2", "aufs", "devicemapper", "vfs");
    assertThat(lines).anyMatch(l -> l.startsWith("vfs: supported"));
    assertThat(lines).allMatch(l -> l.matches("[a-z0-9-]+: (supported( \\(default\\))?|not supported: .+)"));
    assertThat(lines).filteredOn(l -> l.endsWith("(default)")).hasSize(1);
  }

  @Test
  void drivers_withStateUnderHome_marksThatDriverDefault() {
    ok("create", "a"); // vfs now has state under the home, so moby's rule picks it
    Cli.Result r = new Cli(home, null).run("drivers");
    assertThat(r.lines()).contains("vfs: supported (default)");
    Cli.Result status = new Cli(home, null).run("status");
    assertThat(status.lines().get(0)).isEqualTo("Storage Driver: vfs");
  }

  @Test
  void status_printsDriverNameThenKeyValueLines() {
    Cli.Result r = ok("status");
    assertThat(r.lines().get(0)).isEqualTo("Storage Driver: vfs");
    assertThat(r.lines()).allMatch(l -> l.matches("[^:]+: .*"));
  }

  @Test
  void create_exists_remove_lifecycle() {
    assertThat(cli.run("exists", "a")).satisfies(r -> {
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.out()).isEqualTo("false\n");
      assertThat(r.stderr()).isEmpty();
    });
    ok("create", "a");
    assertThat(ok("exists", "a").out()).isEqualTo("true\n");
    ok("create-rw", "b", "--parent", "a");
    assertThat(ok("exists", "b").out()).isEqualTo("true\n");
    ok("remove", "b");
    ok("remove", "a");
    assertThat(cli.run("exists", "a").exit()).isEqualTo(1);
  }

  @Test
  void metadata_printsSortedKeyValueLines() {
    ok("create", "a");
    Cli.Result r = ok("metadata", "a");
    assertThat(r.lines()).allMatch(l -> l.matches("[^:]+: .*")).isSorted();
  }

  @Test
  void createRw_withParent_seesParentFilesThroughGet() throws IOException {
    ok("create", "base");
    okWithInput(baseTar(), "apply-diff", "base");
    ok("create-rw", "ctr", "--parent", "base");
    Path root = Path.of(ok("get", "ctr").out().strip());
    assertThat(root).isAbsolute();
    assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n");
    assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
    Files.writeString(root.resolve("written"), "by the container");
    ok("put", "ctr");
    assertThat(ok("changes", "ctr", "--parent", "base").lines()).containsExactly("A /written");
  }

  @Test
  void applyDiff_plainGzipZstd_detectedByContent_printsAppliedSize() throws IOException {
    byte[] plain = baseTar();
    long expected = BASE_SIZE;
    byte[][] inputs = {plain, LayerTars.gzip(plain), LayerTars.zstd(plain)};
    String[] names = {"plain", "gzip", "zstd"};
    TreeMap<String, String> first = null;
    for (int i = 0; i < inputs.length; i++) {
      ok("create", names[i]);
      Path file = files.resolve(names[i] + ".tar");
      Files.write(file, inputs[i]);
      assertThat(ok("apply-diff", names[i], file.toString()).out()).isEqualTo(expected + "\n");
      TreeMap<String, String> export = LayerTars.summary(ok("export", names[i]).stdout());
      assertThat(export).containsKeys("etc/hosts", "etc/motd", "bin/sh", "bin/busybox", "var/old/x");
      if (first == null) {
        first = export;
      } else {
        assertThat(export).as(names[i] + " gives the same tree as plain").isEqualTo(first);
      }
    }
  }

  @Test
  void applyDiff_fromStdinDash_andWithoutFileArgument() {
    ok("create", "a");
    ok("create", "b");
    assertThat(okWithInput(baseTar(), "apply-diff", "a", "-").out()).isEqualTo(BASE_SIZE + "\n");
    assertThat(okWithInput(baseTar(), "apply-diff", "b").out()).isEqualTo(BASE_SIZE + "\n");
  }

  @Test
  void applyDiff_withoutTerminal_printsNoProgress() {
    ok("create", "a");
    Cli.Result r = cli.runWithInput(baseTar(), "apply-diff", "a");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void changes_printsLetterAndPath_sortedByPath() throws IOException {
    baseAndChild();
    List<String> lines = ok("changes", "child", "--parent", "base").lines();
    assertThat(lines).containsExactly("C /etc", "C /etc/hosts", "D /etc/motd", "A /new", "C /var",
        "C /var/old", "D /var/old/x", "A /var/old/y");
  }

  @Test
  void changes_withoutParent_listsWholeViewAsAdded() throws IOException {
    baseAndChild();
    List<String> lines = ok("changes", "base").lines();
    assertThat(lines).allMatch(l -> l.startsWith("A /")).contains("A /etc/hosts", "A /bin/sh").isSorted();
  }

  @Test
  void diff_withParent_containsOnlyOwnChangesAndWhiteouts() throws IOException {
    baseAndChild();
    TreeMap<String, String> diff = LayerTars.summary(ok("diff", "child", "--parent", "base").stdout());
    assertThat(diff).containsKeys("etc/hosts", "etc/.wh.motd", "new", "var/old/y");
    assertThat(diff).doesNotContainKeys("bin/busybox", "bin/sh", "etc/motd", "var/old/x");
  }

  @Test
  void diff_toFile_writesTheSameBytesAsToStdout() throws IOException {
    baseAndChild();
    byte[] stdout = ok("diff", "child", "--parent", "base").stdout();
    Path file = files.resolve("child.tar");
    assertThat(ok("diff", "child", "--parent", "base", file.toString()).stdout()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(stdout);
    try (var dir = Files.list(files)) {
      assertThat(dir).containsExactly(file); // no temp file left beside it
    }
  }

  @Test
  void diffSize_equalsWhatApplyDiffOfTheDiffPrints() throws IOException {
    baseAndChild();
    long size = Long.parseLong(ok("diff-size", "child", "--parent", "base").out().strip());
    byte[] diff = ok("diff", "child", "--parent", "base").stdout();
    ok("create", "copy", "--parent", "base");
    long applied = Long.parseLong(okWithInput(diff, "apply-diff", "copy", "--parent", "base").out().strip());
    assertThat(size).isEqualTo(applied).isEqualTo("10.0.0.1 changed\n".length() + "y".length()
        + "new file\n".length());
  }

  @Test
  void export_isTheFullViewWithWhiteoutsApplied() throws IOException {
    baseAndChild();
    TreeMap<String, String> export = LayerTars.summary(ok("export", "child").stdout());
    assertThat(export.keySet()).containsExactly("bin", "bin/busybox", "bin/sh", "etc", "etc/hosts", "new",
        "var", "var/old", "var/old/y");
    assertThat(export.get("bin/sh")).startsWith("symlink -> busybox");
    assertThat(export.get("new")).contains(" 600 ");
    Path file = files.resolve("child-export.tar");
    ok("export", "child", file.toString());
    assertThat(LayerTars.summary(Files.readAllBytes(file))).isEqualTo(export);
  }

  @Test
  void diffOfChild_appliedOntoFreshChildOfParent_givesTheSameTreeAsExport() throws IOException {
    baseAndChild();
    byte[] diff = ok("diff", "child", "--parent", "base").stdout();
    ok("create", "replay", "--parent", "base");
    okWithInput(diff, "apply-diff", "replay", "--parent", "base");
    assertThat(LayerTars.summary(ok("export", "replay").stdout()))
        .isEqualTo(LayerTars.summary(ok("export", "child").stdout()));
    assertThat(ok("changes", "replay", "--parent", "base").lines())
        .isEqualTo(ok("changes", "child", "--parent", "base").lines());
  }

  @Test
  void getPut_countedAcrossInvocations_lastPutReleases() throws IOException {
    ok("create", "a");
    String path = ok("get", "a").out();
    assertThat(ok("get", "a").out()).isEqualTo(path); // the same root for every get
    Cli.Result busy = cli.run("remove", "a");
    assertThat(busy.exit()).isEqualTo(1);
    assertThat(busy.stderr()).contains("a").contains("put").hasLineCount(1);
    ok("put", "a");
    assertThat(cli.run("remove", "a").exit()).as("still one reference").isEqualTo(1);
    ok("put", "a");
    Cli.Result extra = cli.run("put", "a");
    assertThat(extra.exit()).isEqualTo(1);
    assertThat(extra.stderr()).isEqualTo("unionfs: put layer a: not held by 'unionfs get'\n");
    ok("remove", "a");
    assertThat(Files.readString(home.resolve(".unionfs-cli/holds/vfs/.lock"))).isEmpty();
    try (var holds = Files.list(home.resolve(".unionfs-cli/holds/vfs"))) {
      assertThat(holds).extracting(p -> p.getFileName().toString()).containsExactly(".lock");
    }
  }

  @Test
  void export_ofHeldLayer_readsTheHeldPath() throws IOException {
    ok("create", "base");
    okWithInput(baseTar(), "apply-diff", "base");
    ok("get", "base");
    assertThat(LayerTars.summary(ok("export", "base").stdout())).containsKey("etc/hosts");
    ok("put", "base");
  }

  @Test
  void help_andVersion_exitZero() {
    Cli.Result help = cli.raw(new byte[0], "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("apply-diff", "create-rw", "diff-size", "export", "get", "put",
        "plugin");
    assertThat(cli.raw(new byte[0], "--version").out()).startsWith("unionfs ");
    assertThat(cli.raw(new byte[0], "apply-diff", "--help").out()).contains("FILE|-", "--parent");
  }

  @Test
  void writesNonAsciiNames() throws IOException {
    ok("create", "u");
    okWithInput(new LayerTars().file("caf\u00e9-\u65e5\u672c.txt", "x").plain(), "apply-diff", "u");
    assertThat(ok("changes", "u").lines()).containsExactly("A /caf\u00e9-\u65e5\u672c.txt");
    assertThat(new String(ok("export", "u").stdout(), StandardCharsets.ISO_8859_1))
        .contains(new String("caf\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
  }
}
