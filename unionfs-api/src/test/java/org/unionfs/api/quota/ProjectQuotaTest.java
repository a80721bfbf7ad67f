package org.unionfs.api.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.posix.FsMagic;
import org.unionfs.api.posix.Posix;

/**
 * Project quotas where the test directory's filesystem has none. The enforcing cases run in the vfs
 * module on loop-mounted xfs (pquota) and ext4 (prjquota).
 */
class ProjectQuotaTest {
  @Test
  void unsupportedFilesystem_givesAReasonAndOpensNothing(@TempDir Path home) throws Exception {
    String reason = ProjectQuota.unsupportedReason(home);
    long magic = Posix.get().statfs(home).type() & 0xffffffffL;
    assumeTrue(!reason.isEmpty(), home + " has project quotas enforced; nothing to refuse here");
    assertThat(reason).contains(home.toString()).contains("-o pquota");
    if (magic != FsMagic.XFS && magic != FsMagic.EXTFS) {
      assertThat(reason).contains(FsMagic.dockerName(magic));
    }
    assertThat(ProjectQuota.open(home)).isEmpty();
    try (var ds = Files.newDirectoryStream(home)) {
      assertThat(ds.iterator().hasNext()).as("the probe creates nothing").isFalse();
    }
  }

  @Test
  void commandNumbersMatchTheKernelHeaders() {
    // QCMD(Q_XGETQSTAT, PRJQUOTA) as moby's projectquota.go computes it
    assertThat(QuotaNative.qcmd(QuotaNative.Q_XGETQSTAT, QuotaNative.PRJQUOTA)).isEqualTo(0x580502);
    assertThat(QuotaNative.qcmd(QuotaNative.Q_XSETQLIM, QuotaNative.PRJQUOTA)).isEqualTo(0x580402);
    assertThat(QuotaNative.FS_IOC_FSGETXATTR).isEqualTo(0x801c581fL);
    assertThat(QuotaNative.FS_IOC_FSSETXATTR).isEqualTo(0x401c5820L);
  }
}
