package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdsTrainingTest {
  @TempDir
  Path scratch;

  @Test
  void train_runsEveryStepOnVfs() throws IOException {
    // The run bin/unionfs records the class-data archive from: a failing step would leave every later
    // command without the archive, so it must succeed wherever the vfs driver works.
    assertThat(CdsTraining.train(scratch)).isEqualTo(Main.OK);
  }
}
