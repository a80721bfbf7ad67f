package org.unionfs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeTest {

  @Test
  void toString_isDockerDiffLine() {
    assertThat(Change.add("/a/b")).hasToString("A /a/b");
    assertThat(Change.modify("/a")).hasToString("C /a");
    assertThat(Change.delete("/x")).hasToString("D /x");
  }

  @Test
  void byPath_ordersByBytesThenKind() {
    List<Change> changes = new ArrayList<>(List.of(
        Change.add("/b"), Change.delete("/a"), Change.modify("/a"), Change.add("/a-b"),
        Change.add("/a/c"), Change.add("/\u00e9"), Change.add("/z")));
    changes.sort(Change.BY_PATH);
    // '-' (0x2d) < '/' (0x2f); 'é' is 0xc3 0xa9 in UTF-8, after every ASCII byte.
    assertThat(changes).extracting(Change::toString).containsExactly(
        "C /a", "D /a", "A /a-b", "A /a/c", "A /b", "A /z", "A /\u00e9");
  }

  @Test
  void byPath_comparesSupplementaryCharactersAsUtf8() {
    // U+FFFD (ef bf bd) sorts before U+1F600 (f0 9f 98 80) in UTF-8, although its UTF-16 unit is larger.
    assertThat(Change.compareBytes("/\uFFFD", "/\uD83D\uDE00")).isNegative();
  }

  @Test
  void relativePath_isRefused() {
    assertThatThrownBy(() -> Change.add("a")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void kinds_haveMobyOrdinals() {
    assertThat(ChangeKind.MODIFY.ordinal()).isZero();
    assertThat(ChangeKind.ADD.ordinal()).isEqualTo(1);
    assertThat(ChangeKind.DELETE.ordinal()).isEqualTo(2);
  }
}
