package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;

class Overlay2OptionsTest {

  @Test
  void parse_defaults_areDockers() throws Exception {
    Overlay2Options o = Overlay2Options.parse(Map.of());
    assertThat(o.defaultQuota()).isZero();
    assertThat(o.maxDepth()).isEqualTo(128);
  }

  @Test
  void parse_sizeIsBinary_depthUpToKernelLimit() throws Exception {
    Overlay2Options o = Overlay2Options.parse(Map.of("overlay2.size", "50M", "overlay2.max_depth", "500"));
    assertThat(o.defaultQuota()).isEqualTo(50L << 20);
    assertThat(o.maxDepth()).isEqualTo(500);
  }

  @Test
  void parse_refusesUnknownKeysAndBadValues() {
    assertThatThrownBy(() -> Overlay2Options.parse(Map.of("overlay2.sise", "1G")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("overlay2.sise");
    assertThatThrownBy(() -> Overlay2Options.parse(Map.of("overlay2.max_depth", "501")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("500");
    assertThatThrownBy(() -> Overlay2Options.parse(Map.of("overlay2.size", "lots")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("lots");
  }

  @Test
  void storageSize_withoutProjectQuota_isNotSupportedWithDockersMessage() {
    LayerQuotas none = LayerQuotas.none();
    assertThatThrownBy(() -> none.sizeFor("c", Map.of("size", "50M"), true))
        .isInstanceOf(NotSupportedException.class)
        .hasMessageContaining("--storage-opt is supported only for overlay over xfs with 'pquota' mount option");
  }

  @Test
  void storageOptions_unknownOrMalformed_refusedNamingTheLayer() {
    LayerQuotas none = LayerQuotas.none();
    assertThatThrownBy(() -> none.sizeFor("c", Map.of("inodes", "5"), true))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("c").hasMessageContaining("inodes");
    assertThatThrownBy(() -> none.sizeFor("c", Map.of("size", "big"), true))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("big");
  }

  @Test
  void storageOptions_none_meansNoQuota() throws Exception {
    assertThat(LayerQuotas.none().sizeFor("c", Map.of(), true)).isZero();
    assertThat(LayerQuotas.none().sizeFor("c", Map.of(), false)).isZero();
  }
}
