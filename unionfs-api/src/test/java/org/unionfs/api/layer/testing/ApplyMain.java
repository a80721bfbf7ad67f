package org.unionfs.api.layer.testing;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;

/**
 * {@code ApplyMain <layerDir> <tarFile>}: applies a tar with {@link WhiteoutFormat#DELETE} in a JVM of
 * its own, so that a test can run it with a small heap ({@code -Xmx64m}) or kill it mid-way. Prints
 * {@code size=<n>} and exits 0, or prints the exception's class and message and exits 2 (3 for an
 * unexpected error such as OutOfMemoryError).
 */
public final class ApplyMain {
  private ApplyMain() {}

  public static void main(String[] args) {
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      long n = LayerTar.apply(Path.of(args[0]), in, WhiteoutFormat.DELETE);
      System.out.println("size=" + n);
      System.exit(0);
    } catch (Exception e) {
      System.out.println(e.getClass().getName() + ": " + e.getMessage());
      System.exit(2);
    } catch (Throwable t) {
      System.out.println(t.getClass().getName() + ": " + t.getMessage());
      System.exit(3);
    }
  }
}
