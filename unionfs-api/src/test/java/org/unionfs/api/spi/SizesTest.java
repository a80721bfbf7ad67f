package org.unionfs.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {

  @Test
  void humanSize_matchesGoUnits() {
    assertThat(Sizes.humanSize(65536)).isEqualTo("65.54kB");
    assertThat(Sizes.humanSize(10L << 30)).isEqualTo("10.74GB");
    assertThat(Sizes.humanSize(100L << 30)).isEqualTo("107.4GB");
    assertThat(Sizes.humanSize(2L << 30)).isEqualTo("2.147GB");
    assertThat(Sizes.humanSize(0)).isEqualTo("0B");
    assertThat(Sizes.humanSize(999)).isEqualTo("999B");
    assertThat(Sizes.humanSize(1000)).isEqualTo("1kB");
  }

  @Test
  void parseRamBytes_usesBinaryMultiples() {
    assertThat(Sizes.parseRamBytes("50M")).isEqualTo(50L << 20);
    assertThat(Sizes.parseRamBytes("10G")).isEqualTo(10L << 30);
    assertThat(Sizes.parseRamBytes("10gb")).isEqualTo(10L << 30);
    assertThat(Sizes.parseRamBytes("512k")).isEqualTo(512L << 10);
    assertThat(Sizes.parseRamBytes("1.5g")).isEqualTo(3L << 29);
    assertThat(Sizes.parseRamBytes("1024")).isEqualTo(1024);
  }

  @Test
  void parseRamBytes_refusesGarbage() {
    assertThatThrownBy(() -> Sizes.parseRamBytes("ten")).hasMessageContaining("invalid size");
    assertThatThrownBy(() -> Sizes.parseRamBytes("-1M")).hasMessageContaining("invalid size");
    assertThatThrownBy(() -> Sizes.parseRamBytes("99999999999P")).hasMessageContaining("too large");
  }
}
