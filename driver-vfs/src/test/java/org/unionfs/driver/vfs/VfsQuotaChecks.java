package org.unionfs.driver.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.quota.ProjectQuota;

/**
 * The size option on a loop-mounted filesystem with project quotas (moby graphtest DriverTestSetQuota),
 * run on xfs with pquota ({@link VfsQuotaXfsTest}) and on ext4 with prjquota ({@link VfsQuotaExt4Test}).
 */
abstract class VfsQuotaChecks {
  /** The filesystem under test. */
  abstract LoopFilesystem fs();

  private static CreateOptions size(String s) {
    return CreateOptions.withStorageOptions(Map.of("size", s));
  }

  private static boolean isQuotaError(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("Disk quota exceeded") || m.contains("No space left on device");
  }

  @Test
  void setQuota_25MiBFitsAnd50MiBDoesNot() throws Exception {
    try (GraphDriver d = VfsFixtures.open(fs().path().resolve("vfs"))) {
      assertThat(d.capabilities()).contains(DriverCapability.QUOTA);
      d.createReadWrite("Base", null, CreateOptions.NONE);
      VfsFixtures.fill(d.get("Base", ""));
      d.put("Base");
      d.createReadWrite("BaseTest", "Base", size("50M"));
      Path root = d.get("BaseTest", "");
      VfsFixtures.writeBytes(root.resolve("smallfile"), 25L << 20);
      assertThatThrownBy(() -> VfsFixtures.writeBytes(root.resolve("bigfile"), 50L << 20))
          .isInstanceOf(IOException.class).matches(VfsQuotaChecks::isQuotaError, "EDQUOT or ENOSPC");
      d.put("BaseTest");
      // the parent has no limit
      VfsFixtures.writeBytes(d.get("Base", "").resolve("unlimited"), 60L << 20);
      d.put("Base");
    }
  }

  @Test
  void driverOptionSizeIsTheDefaultForReadWriteLayersOnly() throws Exception {
    try (GraphDriver d = VfsFixtures.open(fs().path().resolve("vfs"), Map.of("size", "10M"))) {
      d.createReadWrite("rw", null, CreateOptions.NONE);
      d.create("ro", null, CreateOptions.NONE);
      ProjectQuota q = ProjectQuota.open(fs().path().resolve("vfs")).orElseThrow();
      assertThat(q.limit(fs().path().resolve("vfs/dir/rw"))).isEqualTo(10L << 20);
      assertThat(q.limit(fs().path().resolve("vfs/dir/ro"))).isZero();
      assertThatThrownBy(() -> VfsFixtures.writeBytes(d.get("rw", "").resolve("f"), 20L << 20))
          .matches(VfsQuotaChecks::isQuotaError, "EDQUOT or ENOSPC");
      d.put("rw");
      assertThatThrownBy(() -> d.create("ro2", null, size("1G")))
          .isInstanceOf(InvalidArgumentException.class);
    }
  }

  @Test
  void eachLayerHasItsOwnProjectAndRemoveClearsTheLimit() throws Exception {
    Path home = fs().path().resolve("vfs");
    try (GraphDriver d = VfsFixtures.open(home)) {
      d.createReadWrite("a", null, size("20M"));
      d.createReadWrite("b", null, size("30M"));
      ProjectQuota q = ProjectQuota.open(home).orElseThrow();
      Path a = home.resolve("dir/a");
      Path b = home.resolve("dir/b");
      assertThat(q.limit(a)).isEqualTo(20L << 20);
      assertThat(q.limit(b)).isEqualTo(30L << 20);
      VfsFixtures.writeBytes(d.get("a", "").resolve("f"), 5L << 20);
      d.put("a");
      assertThat(q.usage(a)).isBetween(5L << 20, 6L << 20);
      assertThat(q.usage(b)).isLessThan(1 << 20);
      d.remove("a");
      // a new driver on the same home does not reuse b's project id
      try (GraphDriver d2 = VfsFixtures.open(home)) {
        d2.createReadWrite("c", null, size("40M"));
        assertThat(q.limit(b)).isEqualTo(30L << 20);
        assertThat(q.limit(home.resolve("dir/c"))).isEqualTo(40L << 20);
      }
    }
  }

  @Test
  void probeHasNoSideEffects() throws Exception {
    Path home = Files.createDirectory(fs().path().resolve("home"));
    assertThat(ProjectQuota.unsupportedReason(home)).isEmpty();
    assertThat(ProjectQuota.open(home)).isPresent();
    try (var ds = Files.newDirectoryStream(home)) {
      assertThat(ds.iterator().hasNext()).as("no backingFsBlockDev or other file created").isFalse();
    }
  }
}
