package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainStartupTest {
  private static Io io() {
    return new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()), false);
  }

  @Test
  void commandName_skipsGlobalOptionsAndTheirValues() {
    assertThat(Main.commandName(new String[] {"--driver", "vfs", "--home", "/h", "-o", "k=v", "create", "x"}))
        .isEqualTo("create");
    assertThat(Main.commandName(new String[] {"--driver=vfs", "--home=/h", "--opt=k=v", "-ok=v", "diff", "a"}))
        .isEqualTo("diff");
    assertThat(Main.commandName(new String[] {"--opt", "create", "exists", "x"}))
        .as("an option's value is not the command").isEqualTo("exists");
  }

  @Test
  void commandName_isNullForHelpVersionUnknownOptionsAndNothing() {
    assertThat(Main.commandName(new String[0])).isNull();
    assertThat(Main.commandName(new String[] {"--help"})).isNull();
    assertThat(Main.commandName(new String[] {"-V"})).isNull();
    assertThat(Main.commandName(new String[] {"--frobnicate", "create"})).isNull();
    assertThat(Main.commandName(new String[] {"--driver", "vfs"})).isNull();
  }

  @Test
  void commandLine_registersOnlyTheNamedCommand() {
    CommandLine cmd = Main.commandLine(io(), new String[] {"--driver", "vfs", "apply-diff", "x", "-"});
    assertThat(cmd.getSubcommands().keySet()).containsExactly("apply-diff");
    // settings reach the subcommand registered before them
    assertThat(cmd.getSubcommands().get("apply-diff").isCaseInsensitiveEnumValuesAllowed()).isTrue();
  }

  @Test
  void commandLine_registersEveryCommandForHelpAndForUnknownNames() {
    int all = UnionfsCommand.COMMANDS.size();
    assertThat(Main.commandLine(io(), new String[] {"--help"}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(io(), new String[] {"no-such-command"}).getSubcommands()).hasSize(all);
    assertThat(Main.commandLine(io()).getSubcommands()).hasSize(all);
  }

  @Test
  void unknownCommand_isAUsageErrorNamingIt() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
    assertThat(Main.run(io, "no-such-command")).isEqualTo(Main.USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-command");
  }
}
