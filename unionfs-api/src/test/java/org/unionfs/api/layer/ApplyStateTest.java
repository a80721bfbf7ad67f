package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApplyStateTest {
  @Test
  void forget_dropsTheEntryAndEverythingRecordedBelowIt() {
    ApplyState s = new ApplyState();
    s.merged("etc");
    s.merged("etc/apt");
    s.created("etc/apt/new");
    s.created("etcetera");
    s.forget("etc");
    assertThat(s.isRecorded("etc")).isFalse();
    assertThat(s.isRecorded("etc/apt")).isFalse();
    assertThat(s.isRecorded("etc/apt/new")).isFalse();
    assertThat(s.isRecorded("etcetera")).as("a sibling sharing the prefix").isTrue();
  }

  @Test
  void forget_ofAnUnrecordedDirectory_reachesMergedDirectoriesBelowIt() {
    ApplyState s = new ApplyState();
    s.merged("usr/share/doc");
    s.created("usr/share/doc/x");
    s.forget("usr");
    assertThat(s.isMerged("usr/share/doc")).isFalse();
    assertThat(s.isRecorded("usr/share/doc/x")).isFalse();
  }

  @Test
  void forget_ofAnUnrecordedPathWithNothingMergedBelow_keepsCreatedChildren() {
    // Unchanged rule: without a record at the path or a merged directory below it nothing is dropped.
    ApplyState s = new ApplyState();
    s.created("var/lib/new");
    s.forget("var");
    assertThat(s.isCreated("var/lib/new")).isTrue();
  }

  @Test
  void mergedCounts_followRemovalsAndOverwrites() {
    ApplyState s = new ApplyState();
    s.merged("a/b");
    s.merged("a/b"); // twice: counted once
    s.created("a/b"); // the merged record replaced: nothing merged below "a" any more
    s.created("a/c/d");
    s.forget("a");
    assertThat(s.isCreated("a/c/d")).as("'a' has no merged dir below and no record").isTrue();
    s.merged("a/b/e");
    s.forget("a/b/e");
    s.forget("a");
    assertThat(s.isCreated("a/b")).as("the merged record below was forgotten: the count is back to 0")
        .isTrue();
  }

  @Test
  void createdHere_seesCreatedAncestors() {
    ApplyState s = new ApplyState();
    s.created("opt/app");
    assertThat(s.createdHere("opt/app/bin/tool")).isTrue();
    assertThat(s.createdHere("opt/other")).isFalse();
    assertThat(s.fromThisTar("opt/app")).isTrue();
  }
}
