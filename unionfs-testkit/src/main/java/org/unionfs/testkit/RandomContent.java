package org.unionfs.testkit;

import java.util.SplittableRandom;

/**
 * Seeded file contents, as moby graphtest's {@code randomContent(size, seed)}: the same size and seed
 * always give the same bytes, so a check can re-derive what a file must hold.
 *
 * <p>Like moby, each 63-bit draw fills 7 bytes, low byte first. The generator is
 * {@link SplittableRandom} rather than Go's {@code math/rand}; only self-consistency matters.
 */
public final class RandomContent {
  private RandomContent() {}

  /** {@code size} bytes derived from {@code seed}. */
  public static byte[] of(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] content = new byte[size];
    for (int i = 0; i < size; i += 7) {
      long value = random.nextLong() >>> 1;
      for (int j = 0; i + j < size && j < 7; j++) {
        content[i + j] = (byte) value;
        value >>>= 8;
      }
    }
    return content;
  }
}
