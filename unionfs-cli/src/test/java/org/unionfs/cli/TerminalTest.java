package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TerminalTest {
  @Test
  void terminalDevices_areTerminals() {
    assertThat(Terminal.isTerminalDevice("/dev/pts/3")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/tty1")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/ttyS0")).isTrue();
    assertThat(Terminal.isTerminalDevice("/dev/console")).isTrue();
  }

  @Test
  void filesPipesAndNull_areNotTerminals() {
    assertThat(Terminal.isTerminalDevice("/dev/null")).isFalse();
    assertThat(Terminal.isTerminalDevice("pipe:[12345]")).isFalse();
    assertThat(Terminal.isTerminalDevice("socket:[999]")).isFalse();
    assertThat(Terminal.isTerminalDevice("/tmp/err.log")).isFalse();
    assertThat(Terminal.isTerminalDevice("/dev/ptmx-not-a-pts")).isFalse();
  }

  @Test
  void underSurefire_stderrIsNoTerminal() throws IOException {
    // surefire forks the test JVM with stderr on a pipe or file: never a terminal
    String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
    assertThat(Terminal.stderrIsTerminal()).as("fd 2 -> %s", target).isEqualTo(Terminal.isTerminalDevice(target))
        .isFalse();
  }
}
