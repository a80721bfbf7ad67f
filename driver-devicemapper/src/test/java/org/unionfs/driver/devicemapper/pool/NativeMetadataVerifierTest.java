package org.unionfs.driver.devicemapper.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native verifier finds the corruptions thin_check 0.9.0 lets through (each case first shows
 * thin_check accepting the file), and passes thin_restore's own output and our export.
 */
class NativeMetadataVerifierTest {
  static final String SAMPLE = """
      <superblock uuid="" time="1" transaction="3" flags="0" version="2" data_block_size="128" nr_data_blocks="1024">
        <device dev_id="1" mapped_blocks="12" transaction="1" creation_time="0" snap_time="1">
          <range_mapping origin_begin="0" data_begin="0" length="10" time="0"/>
          <range_mapping origin_begin="100" data_begin="10" length="2" time="0"/>
        </device>
        <device dev_id="2" mapped_blocks="12" transaction="2" creation_time="1" snap_time="1">
          <range_mapping origin_begin="0" data_begin="0" length="5" time="0"/>
          <range_mapping origin_begin="5" data_begin="20" length="5" time="1"/>
          <range_mapping origin_begin="100" data_begin="10" length="2" time="0"/>
        </device>
      </superblock>
      """;
  @TempDir Path tmp;
  Path nat;

  @BeforeEach
  void export() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/thin_check")),
        "thin_check not installed (apt-get install -y thin-provisioning-tools)");
    try (ThinPool p = ThinPool.create(tmp.resolve("p"), new PoolConfig(1024L * 65536, 1 << 20, 65536))) {
      ThinXml.restore(p, new ByteArrayInputStream(SAMPLE.getBytes(StandardCharsets.US_ASCII)));
      nat = tmp.resolve("native.bin");
      NativeMetadata.export(p, nat);
    }
  }

  private static int thinCheck(Path f) throws Exception {
    Process p = new ProcessBuilder("thin_check", f.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  /** Rewrites block {@code at} through {@code patch} and fixes its checksum. */
  private void patch(long at, int xor, Consumer<ByteBuffer> patch) throws IOException {
    try (FileChannel ch = FileChannel.open(nat, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(b, at * 4096);
      patch.accept(b);
      b.putInt(0, NativeMetadata.checksum(b.array(), xor));
      ch.write(b.position(0), at * 4096);
    }
  }

  private ByteBuffer read(long at) throws IOException {
    try (FileChannel ch = FileChannel.open(nat, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(b, at * 4096);
      return b;
    }
  }

  /** The leaf holding device 1's mappings (the sample's trees are single leaves). */
  private long device1Leaf() throws IOException {
    ByteBuffer top = read(read(0).getLong(320));
    assertThat(top.getLong(32)).isEqualTo(1);
    return top.getLong(32 + 8 * top.getInt(20));
  }

  @Test
  void cleanExportsAndThinRestoreOutputPass() throws Exception {
    assertThat(NativeMetadataVerifier.check(nat)).isEmpty();
    Path x = tmp.resolve("s.xml");
    Path restored = tmp.resolve("restored.bin");
    Files.writeString(x, SAMPLE);
    new ProcessBuilder("truncate", "-s", "4M", restored.toString()).start().waitFor();
    assertThat(new ProcessBuilder("thin_restore", "-i", x.toString(), "-o", restored.toString()).start().waitFor())
        .isZero();
    assertThat(NativeMetadataVerifier.check(restored)).isEmpty();
  }

  @Test
  void wrongMagicThatThinCheckAccepts() throws Exception {
    patch(0, NativeMetadata.SUPERBLOCK_XOR, b -> b.putLong(32, 12345));
    assertThat(thinCheck(nat)).isZero();
    assertThat(NativeMetadataVerifier.check(nat)).anyMatch(m -> m.contains("magic"));
  }

  @Test
  void mappingBeyondTheDataDeviceThatThinCheckAccepts() throws Exception {
    long leaf = device1Leaf();
    int max = read(leaf).getInt(20);
    patch(leaf, NativeMetadata.NODE_XOR, b -> b.putLong(32 + 8 * max, 5000L << 24));
    assertThat(thinCheck(nat)).isZero();
    assertThat(NativeMetadataVerifier.check(nat))
        .anyMatch(m -> m.contains("maps data block 5000 beyond nr_data_blocks 1024"))
        .anyMatch(m -> m.contains("data block 0 mapped 1 times but space map count 2"));
  }

  @Test
  void doublyOwnedBlockThatThinCheckAccepts() throws Exception {
    long leaf = device1Leaf();
    int max = read(leaf).getInt(20);
    // device 1's block 9 now maps data block 20, which device 2 owns alone (count 1)
    patch(leaf, NativeMetadata.NODE_XOR, b -> b.putLong(32 + 8 * max + 8 * 9, 20L << 24));
    assertThat(thinCheck(nat)).isZero();
    assertThat(NativeMetadataVerifier.check(nat))
        .anyMatch(m -> m.contains("data block 20 mapped 2 times but space map count 1 (doubly owned)"))
        .anyMatch(m -> m.contains("leaked data block 9"));
  }

  @Test
  void badChecksumIsReported() throws Exception {
    try (FileChannel ch = FileChannel.open(nat, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x7f}), device1Leaf() * 4096 + 4000); // an unused slot: only the checksum sees it
    }
    assertThat(NativeMetadataVerifier.check(nat)).anyMatch(m -> m.contains("bad checksum"));
  }
}
