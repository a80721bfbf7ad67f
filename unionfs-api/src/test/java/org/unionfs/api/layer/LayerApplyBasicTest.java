package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.fs.TreeSnapshot;

/** Apply of GNU-tar-written trees gives exactly the tree GNU tar extracts. */
class LayerApplyBasicTest {
  @TempDir Path tmp;

  static void sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new AssertionError("failed: " + String.join(" ", cmd));
    }
  }

  @Test
  void gnuTarOfARichTreeAppliesLikeGnuTarExtracts() throws Exception {
    gnuTarRoundTrip();
  }

  @Test
  void theSameWithoutWriterThreads() throws Exception {
    System.setProperty("unionfs.apply.writers", "0");
    try {
      assertThat(Applier.writerThreads()).isZero();
      gnuTarRoundTrip();
    } finally {
      System.clearProperty("unionfs.apply.writers");
    }
  }

  private void gnuTarRoundTrip() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    sh("sh", "-c", "cd " + src + " && mkdir -p a/b/c d && echo hi > a/b/c/f && echo x > g"
        + " && ln g a/hard && ln -s ../g a/sym && chmod 4755 g && mkfifo d/fifo && chmod 0700 d"
        + " && mknod d/null c 1 3 && setfattr -n user.k -v val g && chown 1234:5678 a/b"
        + " && touch -d '2020-01-02 03:04:05.123456789' a/b/c/f && touch -h -d '2019-01-01' a/sym");
    Path tarFile = tmp.resolve("t.tar");
    sh("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--format=pax", "-C", src.toString(),
        "-cf", tarFile.toString(), ".");
    Path gnu = Files.createDirectories(tmp.resolve("gnu"));
    sh("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", gnu.toString(), "-xpf",
        tarFile.toString());
    Path ours = Files.createDirectories(tmp.resolve("ours"));
    long size;
    try (InputStream in = new FileInputStream(tarFile.toFile())) {
      size = LayerTar.apply(ours, in, WhiteoutFormat.DELETE);
    }
    TreeSnapshot want = TreeSnapshot.of(gnu).withoutAtimes();
    TreeSnapshot got = TreeSnapshot.of(ours).withoutAtimes();
    List<String> diffs = want.differences(got);
    assertThat(diffs).isEmpty();
    assertThat(size).isEqualTo(3 + 2);
    assertThat(ours.resolve(ApplyJournal.DIR_NAME)).doesNotExist();
  }
}
