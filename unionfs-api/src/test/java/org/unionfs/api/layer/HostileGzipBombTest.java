package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.layer.testing.ApplyMain;
import org.unionfs.api.layer.testing.GzipBomb;
import org.unionfs.api.layer.testing.Sandbox;
import org.unionfs.api.layer.testing.TarBytes;
import org.unionfs.api.layer.testing.TreeSnapshot;

/**
 * Gzip bombs: about 1 MiB compressed, 1 GiB expanded. The engine must stream them (a JVM with a
 * 64 MiB heap applies them), refuse the one whose entry claims 1 TiB but ends after 1 GiB (naming the
 * entry, leaving the sandbox as it was, so the partial GiB is gone again), and apply the one that
 * really is a 1 GiB file.
 */
class HostileGzipBombTest {
  private static final int GIB_IN_MIB = 1024;

  /** A tar prefix for one entry named {@code bomb.bin}; its data are the bomb's zeros. */
  private static byte[] prefix(long declaredSize) {
    TarBytes t = new TarBytes();
    if (declaredSize >= 077777777777L) {
      t.pax("size", Long.toString(declaredSize));
    }
    TarBytes.Header h = TarBytes.header("bomb.bin", TarBytes.REG);
    h.size = Math.min(declaredSize, 077777777777L);
    return t.header(h).bytes();
  }

  @Test
  void bombClaimingOneTebibyteIsRefusedAndLeavesNothing(@TempDir Path tmp) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "sandbox owners: needs root");
    Sandbox s = Sandbox.create(Files.createDirectory(tmp.resolve("sandbox")));
    byte[] bomb = GzipBomb.build(prefix(1L << 40), GIB_IN_MIB);
    assertThat(bomb.length).as("compressed size").isLessThan(3 << 20);
    TreeSnapshot before = s.snapshot();

    Throwable e = catchThrowable(() -> LayerTar.apply(s.layer, new ByteArrayInputStream(bomb),
        WhiteoutFormat.DELETE));

    assertThat(e).isExactlyInstanceOf(InvalidArgumentException.class);
    assertThat(e.getMessage()).contains("bomb.bin");
    assertThat(s.snapshot().diff(before)).isEmpty();
  }

  @Test
  void bombIsRefusedWithin64MiBOfHeap(@TempDir Path tmp) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "sandbox owners: needs root");
    Sandbox s = Sandbox.create(Files.createDirectory(tmp.resolve("sandbox")));
    Path tar = tmp.resolve("bomb.tar.gz");
    Files.write(tar, GzipBomb.build(prefix(1L << 40), GIB_IN_MIB));
    TreeSnapshot before = s.snapshot();

    Result r = applyInSmallJvm(s.layer, tar);

    assertThat(r.exit).as(r.output).isEqualTo(2);
    assertThat(r.output).contains(InvalidArgumentException.class.getName()).contains("bomb.bin");
    assertThat(s.snapshot().diff(before)).isEmpty();
  }

  @Test
  void oneGibibyteFileAppliesWithin64MiBOfHeap(@TempDir Path tmp) throws Exception {
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    Path tar = tmp.resolve("gib.tar.gz");
    // 1 GiB of zeros is the file's data; the MiB of zeros after it ends the archive (zero blocks)
    byte[] gz = GzipBomb.build(prefix(1L << 30), GIB_IN_MIB + 1);
    assertThat(gz.length).isLessThan(3 << 20);
    Files.write(tar, gz);

    Result r = applyInSmallJvm(layer, tar);

    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("size=" + (1L << 30));
    assertThat(Files.size(layer.resolve("bomb.bin"))).isEqualTo(1L << 30);
    assertThat(layer.toFile().list()).containsExactly("bomb.bin");
  }

  private record Result(int exit, String output) {}

  private static Result applyInSmallJvm(Path layer, Path tar) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path out = Files.createTempFile(tar.getParent(), "apply", ".out");
    Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        ApplyMain.class.getName(), layer.toString(), tar.toString()))
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("apply of " + tar + " did not finish in 5 minutes");
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return new Result(p.exitValue(), text);
  }
}
