package org.unionfs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.error.InvalidArgumentException;

class LayerIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "base", "Layer_1", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-init", "x.y"})
  void wellFormedIds_areAccepted(String id) throws Exception {
    assertThat(LayerIds.require(id)).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "../x", "a/b", "/abs", ".hidden", "-opt", "a b", "a\u0000b", "\u00e9"})
  void malformedIds_areRefusedWithTheId(String id) {
    assertThatThrownBy(() -> LayerIds.require(id))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("invalid layer id");
    assertThat(LayerIds.isValid(id)).isFalse();
  }

  @Test
  void tooLongId_isRefused() {
    assertThat(LayerIds.isValid("a".repeat(255))).isTrue();
    assertThat(LayerIds.isValid("a".repeat(256))).isFalse();
  }

  @Test
  void emptyParent_meansNoParent() throws Exception {
    assertThat(LayerIds.requireParent("")).isNull();
    assertThat(LayerIds.requireParent(null)).isNull();
    assertThatThrownBy(() -> LayerIds.requireParent("../up")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void nullId_isRefused() {
    assertThatThrownBy(() -> LayerIds.require(null)).hasMessageContaining("null");
  }
}
