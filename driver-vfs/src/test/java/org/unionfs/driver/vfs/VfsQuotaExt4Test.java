package org.unionfs.driver.vfs;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Project quotas on ext4 made with the project and quota features and mounted with prjquota. */
class VfsQuotaExt4Test extends VfsQuotaChecks {
  @RegisterExtension
  final LoopFilesystem ext4 = LoopFilesystem.of("ext4").mkfsOptions("-O", "quota,project")
      .mountOptions("prjquota");

  @Override
  LoopFilesystem fs() {
    return ext4;
  }
}
