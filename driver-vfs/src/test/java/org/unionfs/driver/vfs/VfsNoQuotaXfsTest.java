package org.unionfs.driver.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.quota.ProjectQuota;

/** xfs mounted without pquota: size is not supported, and the error says how to fix it. */
class VfsNoQuotaXfsTest {
  @RegisterExtension
  final LoopFilesystem xfs = LoopFilesystem.of("xfs");

  @Test
  void sizeNeedsThePquotaMountOption() throws Exception {
    assertThat(ProjectQuota.unsupportedReason(xfs.path())).contains("-o pquota");
    try (GraphDriver d = VfsFixtures.open(xfs.path().resolve("vfs"))) {
      assertThat(d.capabilities()).doesNotContain(DriverCapability.QUOTA);
      assertThatThrownBy(() -> d.createReadWrite("c", null,
          CreateOptions.withStorageOptions(Map.of("size", "50M"))))
          .isInstanceOf(NotSupportedException.class).hasMessageContaining("-o pquota");
      assertThat(d.exists("c")).isFalse();
    }
  }
}
