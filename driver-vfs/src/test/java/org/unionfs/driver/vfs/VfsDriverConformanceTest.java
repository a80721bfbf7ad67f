package org.unionfs.driver.vfs;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.testkit.DriverFactory;
import org.unionfs.testkit.GraphDriverProviderConformance;
import org.unionfs.testkit.SetQuotaChecks;

/**
 * The whole conformance suite against vfs, opened through its provider as the registry opens it, in
 * a temporary directory; and moby's SetQuota again with the home on loop-mounted filesystems with
 * project quotas (xfs with pquota as in moby, ext4 with prjquota), where vfs declares QUOTA and
 * SetQuota runs. A loop filesystem that cannot be made here skips its group with the reason.
 */
class VfsDriverConformanceTest extends GraphDriverProviderConformance {
  /** Registered as extensions only by the nested groups (the inherited groups use a temp dir). */
  final LoopFilesystem quotaXfs = LoopFilesystem.of("xfs").mountOptions("pquota");
  final LoopFilesystem quotaExt4 =
      LoopFilesystem.of("ext4").mkfsOptions("-O", "quota,project").mountOptions("prjquota");

  @Override
  protected GraphDriverProvider provider() {
    return new VfsDriverProvider();
  }

  /** The suite's home (a fresh name per test) placed on {@code fs}. */
  private static DriverFactory on(LoopFilesystem fs) {
    return home -> new VfsDriverProvider().open(
        DriverContext.of(fs.path().resolve(home.getFileName().toString())));
  }

  /** moby's SetQuota with the home on xfs mounted with pquota. */
  @Nested
  @Tag("quota")
  class OnXfsWithProjectQuota extends SetQuotaChecks {
    @RegisterExtension
    final LoopFilesystem fs = quotaXfs;

    OnXfsWithProjectQuota() {
      super(on(quotaXfs));
    }
  }

  /** moby's SetQuota with the home on ext4 with project quotas. */
  @Nested
  @Tag("quota")
  class OnExt4WithProjectQuota extends SetQuotaChecks {
    @RegisterExtension
    final LoopFilesystem fs = quotaExt4;

    OnExt4WithProjectQuota() {
      super(on(quotaExt4));
    }
  }
}
