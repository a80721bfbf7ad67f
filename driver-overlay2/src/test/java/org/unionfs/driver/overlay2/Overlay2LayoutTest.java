package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.unionfs.api.error.LayerCorruptException;

class Overlay2LayoutTest {

  @Test
  void base32_matchesRfc4648Vectors() {
    assertThat(Overlay2Layout.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
    assertThat(Overlay2Layout.base32("fo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXQ");
    assertThat(Overlay2Layout.base32("foob".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YQ");
    assertThat(Overlay2Layout.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
  }

  @Test
  void newLinkId_is26Base32CharactersAndRandom() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = Overlay2Layout.newLinkId();
      assertThat(id).hasSize(26).matches("[A-Z2-7]+");
      seen.add(id);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  void paths_areDockers() {
    Overlay2Layout l = new Overlay2Layout(Path.of("/var/lib/docker/overlay2"));
    assertThat(l.diff("abc")).isEqualTo(Path.of("/var/lib/docker/overlay2/abc/diff"));
    assertThat(l.work("abc")).isEqualTo(Path.of("/var/lib/docker/overlay2/abc/work"));
    assertThat(l.merged("abc")).isEqualTo(Path.of("/var/lib/docker/overlay2/abc/merged"));
    assertThat(l.lowerFile("abc")).isEqualTo(Path.of("/var/lib/docker/overlay2/abc/lower"));
    assertThat(l.committed("abc")).isEqualTo(Path.of("/var/lib/docker/overlay2/abc/committed"));
    assertThat(l.link("ABC")).isEqualTo(Path.of("/var/lib/docker/overlay2/l/ABC"));
    assertThat(Overlay2Layout.linkTarget("abc")).isEqualTo("../abc/diff");
  }

  @Test
  void childLower_putsParentLinkFirst() {
    assertThat(Overlay2Layout.childLower("P".repeat(26), List.of("l/" + "G".repeat(26))))
        .containsExactly("l/" + "P".repeat(26), "l/" + "G".repeat(26));
    assertThat(Overlay2Layout.childLower("P".repeat(26), List.of())).containsExactly("l/" + "P".repeat(26));
  }

  @Test
  void parseLower_acceptsDockerFormat_refusesOthers() throws Exception {
    String a = "l/" + "A".repeat(26);
    String b = "l/" + "B".repeat(26);
    assertThat(Overlay2Layout.parseLower("x", a + ":" + b)).containsExactly(a, b);
    assertThatThrownBy(() -> Overlay2Layout.parseLower("x", a + "::" + b))
        .isInstanceOf(LayerCorruptException.class).hasMessageContaining("x");
    assertThatThrownBy(() -> Overlay2Layout.parseLower("x", "/etc/passwd"))
        .isInstanceOf(LayerCorruptException.class);
    assertThatThrownBy(() -> Overlay2Layout.parseLower("x", "l/../../etc"))
        .isInstanceOf(LayerCorruptException.class);
  }

  @Test
  void linkIdLength_fits128RelativeLowersInAPageWithRoomForLabel() {
    int perEntry = Overlay2Layout.LINK_ID_LENGTH + Overlay2Layout.LINK_DIR.length() + 1;
    assertThat(perEntry * Overlay2Layout.MAX_DEPTH).isLessThanOrEqualTo(4096 - 512);
  }
}
