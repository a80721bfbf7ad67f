package org.unionfs.driver.vfs;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Project quotas on xfs mounted with pquota: moby's case. Needs a kernel with CONFIG_XFS_QUOTA. */
class VfsQuotaXfsTest extends VfsQuotaChecks {
  @RegisterExtension
  final LoopFilesystem xfs = LoopFilesystem.of("xfs").mountOptions("pquota");

  @Override
  LoopFilesystem fs() {
    return xfs;
  }
}
