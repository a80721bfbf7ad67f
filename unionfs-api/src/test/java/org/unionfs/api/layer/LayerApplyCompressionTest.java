package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.api.layer.LayerApplySupport.tar;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.error.InvalidArgumentException;

/** Compressed layers (the OCI media types) are recognised by their first bytes. */
class LayerApplyCompressionTest {
  @TempDir Path tmp;

  interface Compressor {
    OutputStream wrap(OutputStream out) throws Exception;
  }

  byte[] compressed(Compressor c) throws Exception {
    byte[] plain = tar().dir("d", 0755).file("d/f", 0644, "x".repeat(100_000)).bytes();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = c.wrap(bytes)) {
      out.write(plain);
    }
    return bytes.toByteArray();
  }

  void appliesTo(byte[] data) throws Exception {
    Path layer = Files.createTempDirectory(tmp, "layer");
    long size = LayerTar.apply(layer, new ByteArrayInputStream(data), WhiteoutFormat.DELETE);
    assertThat(size).isEqualTo(100_000);
    assertThat(Files.readString(layer.resolve("d/f"))).hasSize(100_000);
  }

  @Test
  void gzip() throws Exception {
    appliesTo(compressed(GZIPOutputStream::new));
  }

  @Test
  void multiMemberGzipAsPigzWritesIt() throws Exception {
    byte[] plain = tar().file("f", 0644, "y".repeat(5000)).bytes();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int part = 0; part < 2; part++) {
      try (GZIPOutputStream gz = new GZIPOutputStream(new NonClosing(bytes))) {
        int half = plain.length / 2;
        gz.write(plain, part * half, part == 0 ? half : plain.length - half);
      }
    }
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    assertThat(LayerTar.apply(layer, new ByteArrayInputStream(bytes.toByteArray()), WhiteoutFormat.DELETE))
        .isEqualTo(5000);
  }

  @Test
  void zstd() throws Exception {
    appliesTo(compressed(ZstdOutputStream::new));
  }

  @Test
  void bzip2() throws Exception {
    appliesTo(compressed(BZip2CompressorOutputStream::new));
  }

  @Test
  void plain() throws Exception {
    appliesTo(compressed(out -> out));
  }

  @Test
  void corruptGzipIsAnErrorAndChangesNothing() throws Exception {
    byte[] gz = compressed(GZIPOutputStream::new);
    gz[gz.length / 2] ^= 0x55;
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    assertThatThrownBy(() -> LayerTar.apply(layer, new ByteArrayInputStream(gz), WhiteoutFormat.DELETE))
        .isInstanceOf(java.io.IOException.class);
    assertThat(LayerApplySupport.paths(layer)).isEmpty();
  }

  @Test
  void aBadGzipTrailerAfterTheLastMemberIsStillAnError() throws Exception {
    byte[] gz = compressed(GZIPOutputStream::new);
    gz[gz.length - 8] ^= 0x01; // the CRC32 of the trailer
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    assertThatThrownBy(() -> LayerTar.apply(layer, new ByteArrayInputStream(gz), WhiteoutFormat.DELETE))
        .isInstanceOf(java.io.IOException.class);
    assertThat(LayerApplySupport.paths(layer)).isEmpty();
  }

  @Test
  void xzIsRefusedWithAClearError() throws Exception {
    byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2};
    Path layer = Files.createDirectory(tmp.resolve("layer"));
    assertThatThrownBy(() -> LayerTar.apply(layer, new ByteArrayInputStream(xz), WhiteoutFormat.DELETE))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("xz");
  }

  static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void close() {
      // keep the shared stream open for the next member
    }
  }
}
