package org.unionfs.api.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unionfs.driver.vfs.LoopFilesystem;

/**
 * The project-id half of {@link ProjectQuota} (the FS_IOC_FSGETXATTR/FSSETXATTR ioctls and the
 * {@code struct fsxattr} layout) on a loop-mounted xfs. Project ids work on xfs without quotas being
 * enabled, so this runs even on kernels built without CONFIG_XFS_QUOTA, where the limit tests skip.
 * Lives in the vfs module because the loop-mount extension does.
 */
class ProjectIdLoopTest {
  @RegisterExtension
  final LoopFilesystem xfs = LoopFilesystem.of("xfs");

  @Test
  void projectIdIsSetAndInheritedByNewEntries() throws Exception {
    Path dir = Files.createDirectory(xfs.path().resolve("layer"));
    assertThat(QuotaCalls.projectId(dir)).isZero();
    assertThat(QuotaCalls.inheritsProject(dir)).isFalse();

    QuotaCalls.setProjectId(dir, 4242);

    assertThat(QuotaCalls.projectId(dir)).isEqualTo(4242);
    assertThat(QuotaCalls.inheritsProject(dir)).isTrue();
    Path child = Files.createDirectory(dir.resolve("child"));
    assertThat(QuotaCalls.projectId(child)).as("PROJINHERIT passes the id on").isEqualTo(4242);
    assertThat(QuotaCalls.projectId(xfs.path())).isZero();
  }
}
