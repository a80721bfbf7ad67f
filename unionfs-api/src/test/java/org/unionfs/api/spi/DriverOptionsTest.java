package org.unionfs.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.unionfs.api.error.InvalidArgumentException;

class DriverOptionsTest {

  @Test
  void readsTypedValues() throws Exception {
    DriverOptions o = DriverOptions.of("dm", Map.of("dm.basesize", "20G", "dm.blkdiscard", "false",
        "dm.min_free_space", "10"));
    assertThat(o.size("dm.basesize", 0)).isEqualTo(20L << 30);
    assertThat(o.bool("dm.blkdiscard", true)).isFalse();
    assertThat(o.number("dm.min_free_space", 0)).isEqualTo(10);
    o.requireAllUsed();
  }

  @Test
  void unknownKey_isRefusedByName() throws Exception {
    DriverOptions o = DriverOptions.of("vfs", Map.of("size", "1G", "sise", "2G"));
    o.size("size", 0);
    assertThatThrownBy(o::requireAllUsed)
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("vfs: unknown option \"sise\"");
  }

  @Test
  void keysAreCaseInsensitive() throws Exception {
    DriverOptions o = DriverOptions.of("overlay2", Map.of("Overlay2.Size", "1G"));
    assertThat(o.size("overlay2.size", 0)).isEqualTo(1L << 30);
    o.requireAllUsed();
  }

  @Test
  void malformedValue_namesKeyAndValue() {
    DriverOptions o = DriverOptions.of("vfs", Map.of("size", "big"));
    assertThatThrownBy(() -> o.size("size", 0)).hasMessageContaining("size=big");
    DriverOptions b = DriverOptions.of("x", Map.of("flag", "maybe"));
    assertThatThrownBy(() -> b.bool("flag", false)).hasMessageContaining("flag=maybe");
  }

  @Test
  void parse_requiresKeyEqualsValue() throws Exception {
    assertThat(DriverOptions.parse(List.of("a=1", "b = 2", "c="))).containsEntry("a", "1")
        .containsEntry("b", "2").containsEntry("c", "");
    assertThatThrownBy(() -> DriverOptions.parse(List.of("novalue")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("novalue");
    assertThatThrownBy(() -> DriverOptions.parse(List.of("=x"))).isInstanceOf(InvalidArgumentException.class);
  }
}
