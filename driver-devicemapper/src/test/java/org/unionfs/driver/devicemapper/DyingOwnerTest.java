package org.unionfs.driver.devicemapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a pool lock's holder and whether it is dying, from /proc (no root). */
class DyingOwnerTest {
  @TempDir Path tmp;

  @Test
  void lockHolder_isThisProcess_andNotDying() throws Exception {
    Path f = Files.writeString(tmp.resolve("metadata"), "x");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
      assertThat(lock).isNotNull();
      assertThat(DyingOwner.lockHolder(f)).hasValue(ProcessHandle.current().pid());
      assertThat(DyingOwner.isDying(ProcessHandle.current().pid())).isFalse();
      assertThat(DyingOwner.release(f, tmp.resolve("fuse"))).as("a live holder is left alone").isFalse();
    }
    assertThat(DyingOwner.lockHolder(f)).isEmpty();
  }

  @Test
  void dyingStatus_zombieOrSigkillPending() {
    assertThat(DyingOwner.dyingStatus(List.of("State:\tZ (zombie)", "SigPnd:\t0000000000000000"))).isTrue();
    assertThat(DyingOwner.dyingStatus(List.of("State:\tD (disk sleep)", "SigPnd:\t0000000000000100"))).isTrue();
    assertThat(DyingOwner.dyingStatus(List.of("State:\tD (disk sleep)", "ShdPnd:\t0000000000000100"))).isTrue();
    assertThat(DyingOwner.dyingStatus(List.of("State:\tD (disk sleep)", "SigPnd:\t0000000000004000",
        "ShdPnd:\t0000000000000000"))).as("SIGTERM pending is not dying").isFalse();
    assertThat(DyingOwner.dyingStatus(List.of("State:\tS (sleeping)"))).isFalse();
  }

  @Test
  void exitingStat_readsPfExitingFromTheFlagsField() {
    String live = "123 (java (x) y) S 1 123 123 0 -1 4194560 100 0 0 0";
    String exiting = "123 (java (x) y) D 1 123 123 0 -1 4194564 100 0 0 0";
    assertThat(DyingOwner.exitingStat(live)).isFalse();
    assertThat(DyingOwner.exitingStat(exiting)).isTrue();
    assertThat(DyingOwner.exitingStat("")).isFalse();
  }

  @Test
  void fuseDevice_ofAPathThatIsNoMount_isNull() throws Exception {
    assertThat(DyingOwner.fuseDevice(tmp)).isNull();
  }
}
