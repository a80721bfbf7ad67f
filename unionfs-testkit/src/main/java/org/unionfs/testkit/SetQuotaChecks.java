package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;

/**
 * moby graphtest's DriverTestSetQuota, on its own so that a driver can also run it with its home on a
 * filesystem with project quotas; {@link GraphtestChecks} inherits it. Also holds moby's
 * {@code createBase}.
 */
public abstract class SetQuotaChecks extends ConformanceBase {

  protected SetQuotaChecks(DriverFactory factory) {
    super(factory);
  }

  /** DriverTestSetQuota: with size=50M, 25 MiB fit and 50 MiB more fail with EDQUOT or ENOSPC. */
  @Test
  void setQuota_50M_smallFileFitsBigFileFails() throws IOException {
    assumeCapability(DriverCapability.QUOTA, "the size storage option needs a quota");
    assumeRoot("createBase chowns a directory to 1:2");
    createBase("Base");
    driver.createReadWrite("zfsTest", "Base", CreateOptions.withStorageOptions(Map.of("size", "50M")));
    Path root = driver.get("zfsTest", "");
    try {
      GraphtestFiles.writeRandomFile(root.resolve("smallfile"), 25L << 20);
      assertThatThrownBy(() -> GraphtestFiles.writeRandomFile(root.resolve("bigfile"), 50L << 20))
          .as("writing 50 MiB more into a 50M layer")
          .isInstanceOf(IOException.class)
          .satisfies(e -> assertThat(e.getMessage())
              .containsAnyOf("Disk quota exceeded", "No space left on device"));
    } finally {
      driver.put("zfsTest");
    }
  }

  /** moby createBase (umask 0 there; chmod here). */
  protected void createBase(String name) throws IOException {
    driver.createReadWrite(name, null, CreateOptions.NONE);
    withView(name, dir -> {
      Path subdir = dir.resolve("a subdir");
      Files.createDirectory(subdir);
      FsOp.chmod(subdir, 01705);
      PathOps.lchown(subdir, 1, 2);
      Path file = dir.resolve("a file");
      Files.writeString(file, "Some data");
      FsOp.chmod(file, 04222);
      return null;
    });
  }

}
