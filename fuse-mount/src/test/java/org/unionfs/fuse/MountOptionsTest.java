package org.unionfs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.unionfs.api.union.UnionConfig;

class MountOptionsTest {

  @Test
  void parse_none_givesMeasuredDefaults() throws Exception {
    MountOptions o = MountOptions.parse(List.of(), true);
    assertThat(o.fuseOptions()).contains("allow_other", "default_permissions", "use_ino", "hard_remove",
        "big_writes", "max_write=131072", "kernel_cache", "attr_timeout=60");
    assertThat(o.whiteoutFormat()).isEqualTo(UnionConfig.WhiteoutFormat.AUFS);
    assertThat(o.whiteoutGiven()).as("a driver's layer keeps its own format").isFalse();
    assertThat(o.directoryRename()).isEqualTo(UnionConfig.DirectoryRename.COPY_UP);
    assertThat(o.singleThreaded()).isFalse();
    assertThat(o.nonEmpty()).isFalse();
    assertThat(MountOptions.parse(List.of(), false).fuseOptions()).doesNotContain("allow_other");
  }

  @Test
  void parse_userValue_replacesDefault() throws Exception {
    MountOptions o = MountOptions.parse(List.of("attr_timeout=5,auto_cache", "ro"), false);
    assertThat(o.fuseOptions()).contains("attr_timeout=5", "auto_cache", "ro")
        .doesNotContain("attr_timeout=60");
    assertThat(o.fuseOptions().stream().filter(s -> s.startsWith("attr_timeout"))).hasSize(1);
    assertThat(o.has("ro")).isTrue();
  }

  @Test
  void parse_unionOptions_areConsumed() throws Exception {
    MountOptions o = MountOptions.parse(
        List.of("whiteout=overlay,rename_dir=exdev,single_thread,nonempty"), false);
    assertThat(o.whiteoutFormat()).isEqualTo(UnionConfig.WhiteoutFormat.OVERLAY);
    assertThat(o.whiteoutGiven()).isTrue();
    assertThat(o.directoryRename()).isEqualTo(UnionConfig.DirectoryRename.EXDEV);
    assertThat(o.singleThreaded()).isTrue();
    assertThat(o.nonEmpty()).isTrue();
    assertThat(o.fuseOptions()).noneMatch(s -> s.startsWith("whiteout") || s.startsWith("rename_dir")
        || s.equals("single_thread"));
  }

  @Test
  void parse_bad_failsNamingTheOption() {
    assertThatThrownBy(() -> MountOptions.parse(List.of("allow_othr"), false))
        .isInstanceOf(FuseMountException.class).hasMessageContaining("'allow_othr'");
    assertThatThrownBy(() -> MountOptions.parse(List.of("max_write=big"), false))
        .hasMessageContaining("needs a number");
    assertThatThrownBy(() -> MountOptions.parse(List.of("allow_other=1"), false))
        .hasMessageContaining("takes no value");
    assertThatThrownBy(() -> MountOptions.parse(List.of("fsname="), false))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> MountOptions.parse(List.of("ro,,rw"), false))
        .hasMessageContaining("empty name");
    assertThatThrownBy(() -> MountOptions.parse(List.of("whiteout=btrfs"), false))
        .hasMessageContaining("whiteout=aufs or whiteout=overlay");
    assertThatThrownBy(() -> MountOptions.parse(List.of("rename_dir"), false))
        .hasMessageContaining("rename_dir=copyup or rename_dir=exdev");
  }

  @Test
  void parse_roThenRw_keepsTheLast() throws Exception {
    assertThat(MountOptions.parse(List.of("ro", "rw"), false).fuseOptions()).contains("rw").doesNotContain("ro");
  }
}
