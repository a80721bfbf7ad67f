package org.unionfs.driver.devicemapper.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.unionfs.api.error.InvalidArgumentException;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Round trips through Debian's thin-provisioning-tools (apt package {@code thin-provisioning-tools}):
 * our XML is accepted by thin_restore and checked by thin_check, and thin_dump prints it back byte
 * for byte; thin_dump's XML restores into a pool that exports the same text.
 */
class ThinToolsInteropTest {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/thin_restore")) || onPath("thin_restore"),
        "thin_restore not installed (apt-get install -y thin-provisioning-tools)");
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (rc != 0) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + rc + ": " + out);
    }
    return out;
  }

  private static String export(ThinPool p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ThinXml.export(p, out);
    return out.toString(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void ourXmlSurvivesThinRestoreCheckAndDumpUnchanged(long seed) throws Exception {
    String xml;
    List<String> ls = new ArrayList<>();
    try (ThinPool p = ThinPool.create(tmp.resolve("a"), new PoolConfig(4096L * ModelRun.BS, 1 << 20, ModelRun.BS))) {
      ModelRun run = new ModelRun(seed);
      for (int i = 0; i < 400; i++) {
        run.step(p);
      }
      p.setTransactionId(p.transactionId(), 77);
      xml = export(p);
      for (DeviceInfo d : p.devices()) {
        ls.add(d.id() + " " + d.mappedBlocks() + " " + d.transactionId() + " " + d.creationTime() + " "
            + d.snapshotTime());
      }
    }
    assertThat(xml).contains("<range_mapping").contains("transaction=\"77\"");
    Path x = tmp.resolve("ours.xml");
    Path meta = tmp.resolve("meta.bin");
    Files.writeString(x, xml);
    run("truncate", "-s", "16M", meta.toString());
    run("thin_restore", "-i", x.toString(), "-o", meta.toString());
    run("thin_check", meta.toString());
    String dumped = run("thin_dump", meta.toString());
    assertThat(dumped).isEqualTo(xml);
    String thinLs = run("thin_ls", "--no-headers", "-o", "DEV,MAPPED_BLOCKS,TRANSACTION,CREATE_TIME,SNAP_TIME",
        meta.toString());
    List<String> theirs = new ArrayList<>();
    for (String line : thinLs.strip().split("\n")) {
      theirs.add(String.join(" ", line.strip().split("\\s+")));
    }
    assertThat(theirs).containsExactlyInAnyOrderElementsOf(ls);

    // and back: thin_dump's XML restores into an empty pool that exports the same text
    try (ThinPool b = ThinPool.create(tmp.resolve("b"), new PoolConfig(4096L * ModelRun.BS, 1 << 20, ModelRun.BS))) {
      ThinXml.restore(b, new ByteArrayInputStream(dumped.getBytes(StandardCharsets.US_ASCII)));
      assertThat(b.verify()).isEmpty();
      assertThat(export(b)).isEqualTo(xml);
    }
    try (ThinPool b = ThinPool.open(tmp.resolve("b"))) { // the restore was committed
      assertThat(export(b)).isEqualTo(xml);
      assertThat(b.transactionId()).isEqualTo(77);
    }
    assertThat(PoolVerifier.check(tmp.resolve("b")).problems()).isEmpty();

    // our native export: thin_check accepts it and thin_dump prints our XML
    try (ThinPool b = ThinPool.open(tmp.resolve("b"))) {
      Path nat = tmp.resolve("native.bin");
      NativeMetadata.export(b, nat);
      run("thin_check", nat.toString());
      assertThat(run("thin_dump", nat.toString())).isEqualTo(xml);
      assertThat(NativeMetadataVerifier.check(nat)).isEmpty();
      assertThat(NativeMetadataVerifier.check(meta)).as("thin_restore's own output").isEmpty();
    }
  }

  @Test
  void nativeExportOfALargePoolWithMultiLevelTreesAndSharedCountsAboveTwo() throws Exception {
    StringBuilder x = new StringBuilder();
    x.append("<superblock uuid=\"\" time=\"4\" transaction=\"9\" flags=\"0\" version=\"2\""
        + " data_block_size=\"128\" nr_data_blocks=\"200000\">\n");
    x.append("  <device dev_id=\"1\" mapped_blocks=\"100000\" transaction=\"1\" creation_time=\"0\" snap_time=\"4\">\n");
    for (int v = 0; v < 100000; v++) { // every other data block: no ranges, many leaves
      x.append("    <single_mapping origin_block=\"" + v + "\" data_block=\"" + (2 * v) + "\" time=\"0\"/>\n");
    }
    x.append("  </device>\n");
    for (int d = 2; d <= 5; d++) { // snapshots: share all of device 1, except 3000 CoW'd blocks each
      x.append("  <device dev_id=\"" + d + "\" mapped_blocks=\"0\" transaction=\"" + d + "\" creation_time=\""
          + (d - 1) + "\" snap_time=\"" + (d - 1) + "\">\n");
      for (int v = 0; v < 100000; v++) {
        boolean cow = v >= (d - 2) * 3000 && v < (d - 1) * 3000;
        long b = cow ? 1 + 2L * v : 2L * v;
        x.append("    <single_mapping origin_block=\"" + v + "\" data_block=\"" + b + "\" time=\""
            + (cow ? d - 1 : 0) + "\"/>\n");
      }
      x.append("  </device>\n");
    }
    x.append("  <device dev_id=\"16777215\" mapped_blocks=\"0\" transaction=\"9\" creation_time=\"4\" snap_time=\"4\">\n");
    x.append("  </device>\n</superblock>\n");
    try (ThinPool p = ThinPool.create(tmp.resolve("big"), new PoolConfig(200000L * 65536, 64 << 20, 65536))) {
      ThinXml.restore(p, new ByteArrayInputStream(x.toString().getBytes(StandardCharsets.US_ASCII)));
      String ours = export(p);
      Path nat = tmp.resolve("big.bin");
      NativeMetadata.export(p, nat);
      run("thin_check", nat.toString());
      String dumped = run("thin_dump", nat.toString());
      assertThat(dumped).isEqualTo(ours);
      assertThat(NativeMetadataVerifier.check(nat)).isEmpty();
      String thinLs = run("thin_ls", "--no-headers", "-o", "DEV,MAPPED_BLOCKS,EXCLUSIVE_BLOCKS", nat.toString());
      assertThat(thinLs.strip().split("\n")[0].strip().split("\\s+")).containsExactly("1", "100000", "0");
    }
  }

  @Test
  void restoreOfTheReferenceSampleAndRefusalOfBadXml() throws Exception {
    String sample = """
        <superblock uuid="" time="1" transaction="3" flags="0" version="2" data_block_size="128" nr_data_blocks="1024">
          <device dev_id="1" mapped_blocks="12" transaction="1" creation_time="0" snap_time="1">
            <range_mapping origin_begin="0" data_begin="0" length="10" time="0"/>
            <single_mapping origin_block="100" data_block="10" time="0"/>
            <single_mapping origin_block="101" data_block="11" time="0"/>
          </device>
          <device dev_id="2" mapped_blocks="12" transaction="2" creation_time="1" snap_time="1">
            <range_mapping origin_begin="0" data_begin="0" length="5" time="0"/>
            <range_mapping origin_begin="5" data_begin="20" length="5" time="1"/>
            <single_mapping origin_block="100" data_block="10" time="0"/>
            <single_mapping origin_block="101" data_block="11" time="0"/>
          </device>
        </superblock>
        """;
    try (ThinPool p = ThinPool.create(tmp.resolve("s"), new PoolConfig(1024L * 65536, 1 << 20, 65536))) {
      for (String bad : List.of(
          sample.replace("dev_id=\"2\"", "dev_id=\"16777216\""),
          sample.replace("data_block=\"11\"", "data_block=\"1024\""),
          sample.replace("data_block_size=\"128\"", "data_block_size=\"100\""),
          sample.replace("dev_id=\"2\"", "dev_id=\"1\""),
          sample.replace("origin_block=\"101\" data_block=\"11\"", "origin_block=\"100\" data_block=\"11\""),
          sample.replace("<single_mapping origin_block=\"100\" data_block=\"10\" time=\"0\"/>", "<foo/>"),
          sample.replace(" mapped_blocks=\"12\"", ""),
          sample.replace("</device>", ""))) {
        assertThatThrownBy(() -> ThinXml.restore(p, new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))))
            .isInstanceOf(InvalidArgumentException.class);
        assertThat(p.devices()).isEmpty();
        assertThat(p.status().usedDataBlocks()).isZero();
        assertThat(p.verify()).isEmpty();
      }
      ThinXml.restore(p, new ByteArrayInputStream(sample.getBytes(StandardCharsets.UTF_8)));
      assertThat(p.status().usedDataBlocks()).isEqualTo(17);
      assertThat(p.deviceInfo(2).mappedBlocks()).isEqualTo(12);
      assertThat(p.transactionId()).isEqualTo(3);
      assertThat(export(p)).contains("<range_mapping origin_begin=\"100\" data_begin=\"10\" length=\"2\" time=\"0\"/>");
      assertThat(p.verify()).isEmpty();
    }
  }
}
