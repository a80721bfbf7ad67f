package org.unionfs.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @Test
  void write_replacesContentWithGivenModeAndLeavesNoTemp(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("link");
    Files.writeString(target, "old");
    AtomicFiles.writeString(target, "NEWLINKID", "rw-r--r--");
    assertThat(Files.readString(target)).isEqualTo("NEWLINKID");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
    try (var entries = Files.list(dir)) {
      assertThat(entries).containsExactly(target);
    }
  }

  @Test
  void write_appliesModeRegardlessOfUmask(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("secret");
    AtomicFiles.writeString(target, "x", "rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
  }
}
