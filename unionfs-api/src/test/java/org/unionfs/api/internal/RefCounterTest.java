package org.unionfs.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RefCounterTest {

  @Test
  void onlyLastReleaseReachesZero() {
    RefCounter refs = new RefCounter();
    assertThat(refs.increment("a")).isEqualTo(1);
    assertThat(refs.increment("a")).isEqualTo(2);
    assertThat(refs.decrement("a")).isEqualTo(1);
    assertThat(refs.get("a")).isEqualTo(1);
    assertThat(refs.decrement("a")).isZero();
    assertThat(refs.get("a")).isZero();
  }

  @Test
  void releaseWithoutAcquire_isReported() {
    RefCounter refs = new RefCounter();
    assertThat(refs.decrement("never")).isEqualTo(-1);
  }

  @Test
  void drain_returnsAndForgetsEverything() {
    RefCounter refs = new RefCounter();
    refs.increment("a");
    refs.increment("a");
    refs.increment("b");
    assertThat(refs.drain()).containsEntry("a", 2).containsEntry("b", 1).hasSize(2);
    assertThat(refs.get("a")).isZero();
  }
}
