package org.unionfs.cli.fusemount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.unionfs.api.union.UnionConfig.Branch;

class FuseMountArgsTest {

  private static FuseMountArgs parse(String... args) throws UsageException {
    return FuseMountArgs.parse(args);
  }

  @Test
  void parse_modesGiven() throws Exception {
    FuseMountArgs a = parse("dirs=/upper=rw:/lower=ro", "/merged");
    assertThat(a.branches()).containsExactly(Branch.readWrite(Path.of("/upper")), Branch.readOnly(Path.of("/lower")));
    assertThat(a.mountPoint()).isEqualTo(Path.of("/merged"));
    assertThat(a.foreground()).isFalse();
    assertThat(a.options()).isEmpty();
    assertThat(a.layerForm()).isFalse();
  }

  @Test
  void parse_noModes_firstRwOthersRo() throws Exception {
    FuseMountArgs a = parse("dirs=/a:/b:/c", "/m");
    assertThat(a.branches()).extracting(Branch::writable).containsExactly(true, false, false);
    assertThat(a.unionConfig().writable()).isTrue();
  }

  @Test
  void parse_firstRo_isReadOnlyUnion() throws Exception {
    FuseMountArgs a = parse("dirs=/a=ro:/b", "/m");
    assertThat(a.branches()).extracting(Branch::writable).containsExactly(false, false);
    assertThat(a.unionConfig().writable()).isFalse();
  }

  @Test
  void parse_optionsAndForeground_anyOrder() throws Exception {
    FuseMountArgs a = parse("-o", "allow_other,ro", "dirs=/a", "-f", "/m", "-oattr_timeout=5");
    assertThat(a.options()).containsExactly("allow_other,ro", "attr_timeout=5");
    assertThat(a.foreground()).isTrue();
  }

  @Test
  void parse_modeCaseInsensitive_andEqualsInPath() throws Exception {
    FuseMountArgs a = parse("dirs=/x=y/up=RW:/lo=RO", "/m");
    assertThat(a.branches()).containsExactly(Branch.readWrite(Path.of("/x=y/up")), Branch.readOnly(Path.of("/lo")));
  }

  @Test
  void parse_relativePaths_becomeAbsolute() throws Exception {
    FuseMountArgs a = parse("dirs=up:lo", "mnt");
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(a.branches().get(0).path()).isEqualTo(cwd.resolve("up"));
    assertThat(a.mountPoint()).isEqualTo(cwd.resolve("mnt"));
  }

  @Test
  void parse_layerForm() throws Exception {
    FuseMountArgs a = parse("--driver", "vfs", "--home=/var/lib/docker/vfs", "--layer", "abc", "/m", "-f");
    assertThat(a.layerForm()).isTrue();
    assertThat(a.driver()).isEqualTo("vfs");
    assertThat(a.home()).isEqualTo(Path.of("/var/lib/docker/vfs"));
    assertThat(a.layer()).isEqualTo("abc");
    assertThat(a.branches()).isEmpty();
  }

  @Test
  void parse_help() throws Exception {
    assertThat(parse("--help").help()).isTrue();
    assertThat(parse("dirs=/a", "/m", "-h").help()).isTrue();
    assertThat(FuseMountArgs.USAGE).contains("dirs=BRANCH[=rw|=ro]", "-o OPTION", "-f", "--driver");
  }

  @Test
  void parse_notifyReady_isInternalFlag() throws Exception {
    assertThat(parse("dirs=/a", "/m", "-f", FuseMountArgs.NOTIFY_READY).notifyReady()).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
      "''                                     | missing dirs=",
      "dirs=/a                                | missing MOUNTPOINT",
      "/m                                     | missing dirs=",
      "dirs= /m                               | dirs= lists no branch",
      "dirs=/a::/b /m                         | empty branch in dirs=/a::/b",
      "dirs=/a=rw:/b=rw /m                    | only the first branch may be read-write: /b=rw",
      "dirs=/a=ro:/b=rw /m                    | only the first branch may be read-write: /b=rw",
      "dirs=/a:/a /m                          | branch given twice: /a",
      "dirs=/a /m /n                          | unexpected argument '/n'",
      "dirs=/a dirs=/b /m                     | dirs= given twice",
      "dirs=/a /m -o                          | -o needs a value",
      "dirs=/a /m --bogus                     | unknown option '--bogus'",
      "dirs=/a /m -x                          | unknown option '-x'",
      "--driver vfs --home /h /m              | --driver, --home and --layer go together",
      "--driver vfs --home /h --layer x dirs=/a /m | give either dirs= or --driver/--home/--layer, not both",
      "--driver vfs --driver aufs --home /h --layer x /m | --driver given twice",
      "--layer= --driver vfs --home /h /m     | --layer= needs a value",
  })
  void parse_bad_failsWithOneLine(String line, String message) {
    String[] args = line.isBlank() ? new String[0] : line.trim().split(" +");
    assertThatThrownBy(() -> FuseMountArgs.parse(args)).isInstanceOf(UsageException.class)
        .hasMessageContaining(message);
  }

  @Test
  void parseBranches_keepsOrder() throws Exception {
    List<Branch> b = FuseMountArgs.parseBranches("/1:/2=ro:/3");
    assertThat(b).extracting(x -> x.path().toString()).containsExactly("/1", "/2", "/3");
  }
}
