package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small helpers: default home, mountinfo parsing, progress drawing, hold records. */
class SupportClassesTest {
  @TempDir
  Path dir;

  @Test
  void defaultHome_rootUsesVarLib() {
    assertThat(Homes.defaultHome(true, Map.of("XDG_DATA_HOME", "/x"), Path.of("/root")))
        .isEqualTo(Path.of("/var/lib/unionfs"));
  }

  @Test
  void defaultHome_userUsesXdgDataHome_elseLocalShare() {
    assertThat(Homes.defaultHome(false, Map.of("XDG_DATA_HOME", "/data/me"), Path.of("/home/me")))
        .isEqualTo(Path.of("/data/me/unionfs"));
    assertThat(Homes.defaultHome(false, Map.of(), Path.of("/home/me")))
        .isEqualTo(Path.of("/home/me/.local/share/unionfs"));
    assertThat(Homes.defaultHome(false, Map.of("XDG_DATA_HOME", "relative"), Path.of("/home/me")))
        .as("a relative XDG_DATA_HOME is ignored, as the spec says")
        .isEqualTo(Path.of("/home/me/.local/share/unionfs"));
  }

  @Test
  void mountinfoUnescape_decodesOctal() {
    assertThat(Mounts.unescape("/mnt/with\\040space\\011tab")).isEqualTo("/mnt/with space\ttab");
    assertThat(Mounts.unescape("/plain")).isEqualTo("/plain");
    assertThat(Mounts.unescape("/trailing\\04")).isEqualTo("/trailing\\04");
  }

  @Test
  void isMountPoint_rootYes_tempDirNo() throws IOException {
    assertThat(Mounts.isMountPoint(Path.of("/"))).isTrue();
    assertThat(Mounts.isMountPoint(dir)).isFalse();
  }

  private static Io io(ByteArrayOutputStream err, boolean terminal) {
    return new Io(InputStream.nullInputStream(), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
  }

  @Test
  void progress_onTerminal_drawsCountOnOneLineAndEndsIt() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (Progress p = Progress.start(io(err, true), "apply-diff x", 0)) {
      p.count(new ByteArrayInputStream(new byte[5000])).readAllBytes();
    }
    String drawn = err.toString(StandardCharsets.UTF_8);
    assertThat(drawn).startsWith("\rapply-diff x: ").contains("5kB").endsWith("5kB\033[K\n");
    assertThat(drawn.chars().filter(c -> c == '\n').count()).as("one line, redrawn in place").isEqualTo(1);
  }

  @Test
  void progress_notOnTerminal_drawsNothing() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (Progress p = Progress.start(io(err, false), "diff x", 0)) {
      p.count(new ByteArrayOutputStream()).write(new byte[5000]);
    }
    assertThat(err.size()).isZero();
  }

  @Test
  void holds_roundTripAndDelete() throws IOException {
    Holds holds = new Holds(dir, "vfs");
    var lock = holds.lock();
    try {
      assertThat(holds.read("a")).isEmpty();
      Holds.Hold h = new Holds.Hold(2, Path.of("/some path/\u00e9"), 42,
          java.time.Instant.parse("2026-01-02T03:04:05.123Z"), true);
      holds.write("a", h);
      assertThat(holds.read("a")).contains(h);
      holds.delete("a");
      assertThat(holds.read("a")).isEmpty();
    } finally {
      Holds.unlock(lock);
    }
  }
}
