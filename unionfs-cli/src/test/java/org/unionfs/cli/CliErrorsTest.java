package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exit status 1 with exactly one line on stderr for failures, 2 for usage errors, and a failed command
 * changes nothing under the home.
 */
class CliErrorsTest {
  @TempDir
  Path home;

  @TempDir
  Path files;

  private Cli cli;

  @BeforeEach
  void setUp() {
    cli = new Cli(home, "vfs");
    assertThat(cli.run("create", "base").exit()).isZero();
    assertThat(cli.runWithInput(new LayerTars().file("f", "data").plain(), "apply-diff", "base").exit()).isZero();
    assertThat(cli.run("create", "child", "--parent", "base").exit()).isZero();
    // get/put once, so that the command line's own state (the holds lock) exists before the snapshots
    assertThat(cli.run("get", "base").exit()).isZero();
    assertThat(cli.run("put", "base").exit()).isZero();
  }

  /** Runs {@code args}, expects {@code exit} with one "unionfs: " line containing {@code mentions}. */
  private Cli.Result fails(int exit, String mentions, String... args) throws IOException {
    List<String> before = Cli.snapshot(home);
    Cli.Result r = cli.run(args);
    assertThat(r.exit()).as("%s: %s", String.join(" ", args), r).isEqualTo(exit);
    assertThat(r.stderr()).as("stderr of %s", String.join(" ", args))
        .startsWith("unionfs: ").hasLineCount(1).endsWith("\n").contains(mentions);
    assertThat(r.stdout()).isEmpty();
    assertThat(Cli.snapshot(home)).as("home after the failed %s", String.join(" ", args)).isEqualTo(before);
    return r;
  }

  @ParameterizedTest
  @ValueSource(strings = {"create", "create-rw", "remove", "metadata", "get", "put", "export", "diff",
      "changes", "diff-size", "apply-diff"})
  void badId_isRefusedNamingIt(String command) throws IOException {
    fails(1, "../evil", command, "../evil");
    fails(1, "a/b", command, "a/b");
  }

  @Test
  void exists_badId_isAnErrorNotAnAnswer() throws IOException {
    fails(1, ".hidden", "exists", ".hidden");
  }

  @Test
  void badParentId_isRefusedNamingIt() throws IOException {
    fails(1, "../up", "create", "x", "--parent", "../up");
    fails(1, "../up", "diff", "child", "--parent", "../up");
  }

  @Test
  void missingParent_isRefusedNamingIt() throws IOException {
    fails(1, "nope", "create", "x", "--parent", "nope");
    fails(1, "nope", "create-rw", "x", "--parent", "nope");
  }

  @Test
  void missingLayer_isNotFound() throws IOException {
    fails(1, "ghost", "remove", "ghost");
    fails(1, "ghost", "metadata", "ghost");
    fails(1, "ghost", "get", "ghost");
    fails(1, "ghost", "export", "ghost");
    fails(1, "ghost", "changes", "ghost");
    fails(1, "ghost", "diff-size", "ghost");
    fails(1, "ghost", "put", "ghost");
  }

  @Test
  void export_ofMissingLayerToFile_leavesNoFile() throws IOException {
    Path out = files.resolve("out.tar");
    fails(1, "ghost", "export", "ghost", out.toString());
    assertThat(out).doesNotExist();
  }

  @Test
  void createExisting_isRefused() throws IOException {
    fails(1, "base", "create", "base");
    fails(1, "child", "create-rw", "child", "--parent", "base");
  }

  @Test
  void removeWithChildren_isRefused() throws IOException {
    fails(1, "base", "remove", "base");
  }

  @Test
  void unknownDriverOption_isRefusedByName() throws IOException {
    fails(1, "no.such.option", "-o", "no.such.option=1", "status");
    fails(1, "no.such.option", "-o", "no.such.option=1", "create", "x");
  }

  @Test
  void unknownDriver_isRefusedByName() throws IOException {
    List<String> before = Cli.snapshot(home);
    Cli.Result r = new Cli(home, "nosuch").run("create", "x");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stderr()).startsWith("unionfs: ").contains("nosuch").hasLineCount(1);
    assertThat(Cli.snapshot(home)).isEqualTo(before);
  }

  @Test
  void applyDiff_missingFile_garbage_andHostileTar_changeNothing() throws IOException {
    fails(1, "no such file", "apply-diff", "child", files.resolve("missing.tar").toString());
    Path garbage = Files.writeString(files.resolve("garbage.tar"), "this is not a tar archive at all".repeat(40));
    fails(1, "child", "apply-diff", "child", garbage.toString());
    Path hostile = files.resolve("hostile.tar");
    Files.write(hostile, new LayerTars().file("ok", "fine").file("../../escaped", "bad").plain());
    fails(1, "escaped", "apply-diff", "child", hostile.toString());
    assertThat(home.resolve("vfs/escaped")).doesNotExist();
    assertThat(home.resolve("vfs/dir/escaped")).doesNotExist();
  }

  @Test
  void diff_intoMissingDirectory_fails() throws IOException {
    fails(1, "no-such-dir", "diff", "child", "--parent", "base", files.resolve("no-such-dir/x.tar").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--frob", "frob", "create", "diff-size", "-o"})
  void usageErrors_exitTwoWithOneLine(String arg) {
    Cli.Result r = cli.run(arg);
    assertThat(r.exit()).as("%s", r).isEqualTo(2);
    assertThat(r.stderr()).startsWith("unionfs: ").hasLineCount(1).contains("--help");
  }

  @Test
  void noCommand_isAUsageError() {
    Cli.Result r = cli.raw(new byte[0], "--home", home.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stderr()).isEqualTo("unionfs: missing COMMAND (see 'unionfs --help')\n");
  }

  @Test
  void optionWithoutEquals_isAUsageError() {
    Cli.Result r = cli.run("-o", "noequals", "status");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stderr()).hasLineCount(1);
  }

  @Test
  void extraArgument_isAUsageError() {
    Cli.Result r = cli.run("remove", "a", "b");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stderr()).hasLineCount(1).contains("b");
  }

  @Test
  void oneLine_collapsesLineBreaks() {
    assertThat(Errors.oneLine("first\n  second\r\nthird ")).isEqualTo("first; second; third");
    assertThat(Errors.line(new java.nio.file.NoSuchFileException("/x/y")))
        .isEqualTo("unionfs: /x/y: no such file or directory");
    assertThat(Errors.line(new IllegalStateException("boom"))).startsWith("unionfs: internal error: ")
        .contains("boom");
  }
}
