package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.Posix;

class OverlayProbeTest {
  @TempDir Path tmp;

  @Test
  void probe_leavesNoTraceBesideOrInTheHome() throws Exception {
    Host.assumeOverlay();
    Path home = tmp.resolve("overlay2");
    OverlaySupport s = OverlayProbe.system().probe(home);
    assertThat(home).doesNotExist();
    assertThat(Overlay2DriverTest.list(tmp)).isEmpty();
    assertThat(MountTable.under(MountTable.read(), tmp)).isEmpty();

    Files.createDirectories(home);
    Files.writeString(home.resolve("keep"), "x");
    OverlaySupport again = OverlayProbe.system().probe(home);
    assertThat(Overlay2DriverTest.list(home)).containsExactly("keep");
    assertThat(Overlay2DriverTest.list(tmp)).containsExactly("overlay2");
    assertThat(again).isEqualTo(s);
  }

  @Test
  void probe_reportsThisHostsFacts() throws Exception {
    Host.assumeOverlay();
    OverlaySupport s = OverlayProbe.system().probe(tmp.resolve("overlay2"));
    assertThat(s.backingFs()).isEqualTo(Posix.get().statfs(tmp).dockerName());
    assertThat(s.supportsDType()).isTrue();
    assertThat(s.indexOff()).isEqualTo(Files.exists(Path.of("/sys/module/overlay/parameters/index")));
    assertThat(s.userxattr()).isEqualTo(OverlayProbe.inUserNamespace());
    assertThat(s.pageSize()).isEqualTo(HostCalls.get().pageSize()).isPositive();
    String redirect = Files.readString(Path.of("/sys/module/overlay/parameters/redirect_dir")).trim();
    String metacopy = Files.readString(Path.of("/sys/module/overlay/parameters/metacopy")).trim();
    // With the module defaults off (as on Debian), native diff is safe and metacopy unused.
    assertThat(s.nativeDiff()).isEqualTo(redirect.equals("N"));
    assertThat(s.redirectDir()).isEqualTo(!redirect.equals("N"));
    assertThat(s.usingMetacopy()).isEqualTo(metacopy.equals("Y"));
    assertThat(s.nativeDiffReason().isEmpty()).isEqualTo(s.nativeDiff());
  }

  @Test
  void probe_whereNoScratchDirCanBeMade_fails() throws Exception {
    Host.assumeOverlay();
    // proc: no scratch directory can be created beside the home.
    assertThatThrownBy(() -> OverlayProbe.system().probe(Path.of("/proc/self/overlay2")))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void dTypeMessage_isDockers() {
    assertThat(OverlayProbe.dTypeMessage("xfs")).isEqualTo("overlay2: the backing xfs filesystem is formatted "
        + "without d_type support, which leads to incorrect behavior. Reformat the filesystem with ftype=1 to "
        + "enable d_type support. Backing filesystems without d_type support are not supported.");
  }
}
