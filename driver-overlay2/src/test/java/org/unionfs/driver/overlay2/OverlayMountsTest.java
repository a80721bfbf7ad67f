package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.unionfs.api.error.InvalidArgumentException;

/** The mount descriptions, checked as data: no root, no kernel. */
class OverlayMountsTest {
  private static final Overlay2Layout LAYOUT = new Overlay2Layout(Path.of("/var/lib/docker/overlay2"));
  private static final String A = "AAAAAAAAAAAAAAAAAAAAAAAAAA";
  private static final String B = "BBBBBBBBBBBBBBBBBBBBBBBBBB";

  private static OverlaySupport support(boolean indexOff, boolean userxattr, int pageSize) {
    return new OverlaySupport("extfs", true, indexOff, userxattr, true, "", false, false, pageSize);
  }

  @Test
  void describe_readWriteLayer_hasLowersUpperAndWork() throws Exception {
    MountSpec spec = OverlayMounts.describe(LAYOUT, "ctr", List.of("l/" + A, "l/" + B), false,
        support(true, false, 4096), "");
    assertThat(spec.type()).isEqualTo("overlay");
    assertThat(spec.source()).isEqualTo("overlay");
    assertThat(spec.target()).isEqualTo(Path.of("/var/lib/docker/overlay2/ctr/merged"));
    assertThat(spec.relativeTo()).isNull();
    assertThat(spec.data()).isEqualTo("index=off,lowerdir=/var/lib/docker/overlay2/l/" + A
        + ":/var/lib/docker/overlay2/l/" + B + ",upperdir=/var/lib/docker/overlay2/ctr/diff"
        + ",workdir=/var/lib/docker/overlay2/ctr/work");
    assertThat(spec.readOnly()).isFalse();
  }

  @Test
  void describe_committedLayer_isReadOnlyWithOwnDiffFirst() throws Exception {
    MountSpec spec = OverlayMounts.describe(LAYOUT, "img", List.of("l/" + A), true,
        support(true, false, 4096), "");
    assertThat(spec.options()).containsExactly("index=off",
        "lowerdir=/var/lib/docker/overlay2/img/diff:/var/lib/docker/overlay2/l/" + A);
    assertThat(spec.readOnly()).isTrue();
  }

  @Test
  void describe_withoutIndexParameter_omitsIndexOff() throws Exception {
    MountSpec spec = OverlayMounts.describe(LAYOUT, "x", List.of("l/" + A), false,
        support(false, false, 4096), "");
    assertThat(spec.options().get(0)).startsWith("lowerdir=");
  }

  @Test
  void describe_userxattr_followsIndexOff() throws Exception {
    MountSpec spec = OverlayMounts.describe(LAYOUT, "x", List.of("l/" + A), false,
        support(true, true, 4096), "");
    assertThat(spec.options().subList(0, 2)).containsExactly("index=off", "userxattr");
  }

  @Test
  void describe_mountLabel_appendedAsQuotedContext() throws Exception {
    MountSpec spec = OverlayMounts.describe(LAYOUT, "x", List.of("l/" + A), false,
        support(true, false, 4096), "system_u:object_r:container_file_t:s0:c1,c2");
    assertThat(spec.data()).endsWith(",workdir=/var/lib/docker/overlay2/x/work,"
        + "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  }

  @Test
  void describe_128LowersUnderLongHome_fallsBackToPathsRelativeToHome() throws Exception {
    Overlay2Layout longHome = new Overlay2Layout(Path.of("/" + "d".repeat(200), "overlay2"));
    List<String> lower = lowers(128);
    MountSpec spec = OverlayMounts.describe(longHome, "top", lower, false, support(true, false, 4096), "");
    assertThat(spec.relativeTo()).isEqualTo(longHome.home());
    assertThat(spec.target()).isEqualTo(Path.of("top/merged"));
    assertThat(spec.absoluteTarget()).isEqualTo(longHome.merged("top"));
    assertThat(spec.options()).containsExactly("index=off", "lowerdir=" + String.join(":", lower),
        "upperdir=top/diff", "workdir=top/work");
    assertThat(spec.data().length()).isLessThanOrEqualTo(4095);
  }

  @Test
  void describe_committed128Lowers_relativeFormStartsWithOwnDiff() throws Exception {
    Overlay2Layout longHome = new Overlay2Layout(Path.of("/" + "d".repeat(100), "overlay2"));
    List<String> lower = lowers(128);
    MountSpec spec = OverlayMounts.describe(longHome, "top", lower, true, support(true, false, 4096), "");
    assertThat(spec.relativeTo()).isNotNull();
    assertThat(spec.options().get(1)).isEqualTo("lowerdir=top/diff:" + String.join(":", lower));
  }

  @Test
  void describe_dataExactlyOnePage_isTooLongForAbsolutePaths() throws Exception {
    // mount(2) copies at most one page including the NUL: 4095 bytes of data fit, 4096 do not.
    List<String> lower = lowers(1);
    MountSpec probe = OverlayMounts.describe(LAYOUT, "x", lower, false, support(true, false, 4096), "");
    int size = probe.data().length();
    assertThat(OverlayMounts.describe(LAYOUT, "x", lower, false, support(true, false, size + 1), "")
        .relativeTo()).isNull();
    assertThat(OverlayMounts.describe(LAYOUT, "x", lower, false, support(true, false, size), "")
        .relativeTo()).isEqualTo(LAYOUT.home());
  }

  @Test
  void describe_evenRelativeTooLong_refusedNamingTheLayer() {
    List<String> lower = lowers(200);
    assertThatThrownBy(() -> OverlayMounts.describe(LAYOUT, "deep", lower, false,
        support(true, false, 4096), ""))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("deep").hasMessageContaining("mount label too large");
  }

  @Test
  void describe_noLowers_isAnError() {
    assertThatThrownBy(() -> OverlayMounts.describe(LAYOUT, "base", List.of(), false,
        support(true, false, 4096), "")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mountSpec_relativeTargetWithoutBase_refused() {
    assertThatThrownBy(() -> new MountSpec("overlay", "overlay", Path.of("x/merged"), List.of("ro"), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static List<String> lowers(int n) {
    List<String> lower = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lower.add("l/" + String.format("%026d", i).replace('0', 'A').replace('1', 'B').replace('2', 'C')
          .replace('3', 'D').replace('4', 'E').replace('5', 'F').replace('6', 'G').replace('7', 'H')
          .replace('8', 'I').replace('9', 'J'));
    }
    return lower;
  }
}
