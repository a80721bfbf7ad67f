package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is constant in the size of a layer: a 1 GiB layer applies, diffs and exports in a child JVM
 * limited to {@code -Xmx64m} (the tar is generated on the fly, never held).
 */
class LayerApplyMemoryTest {
  @TempDir Path tmp;

  @Test
  void oneGibLayerAppliesAndDiffsWith64MibOfHeap() throws Exception {
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    long size = 1L << 30;
    assertThat(run("apply-gen", layer.toString(), Long.toString(size))).startsWith("APPLIED " + size);
    assertThat(Files.size(layer.resolve("big/file.bin"))).isEqualTo(size);
    long tarSize = 512 + 512 + size + 1024;
    assertThat(run("diff", layer.toString(), empty.toString())).isEqualTo("DIFF " + tarSize);
    assertThat(run("tree", layer.toString())).isEqualTo("TREE " + tarSize);
  }

  private static String run(String... args) throws Exception {
    Process p = LayerApplyAtomicityTest.child(args);
    String line;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      line = r.readLine();
    }
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("child " + args[0] + " exit (an OutOfMemoryError fails it)").isZero();
    return line;
  }
}
