package org.unionfs.driver.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.driver.vfs.VfsFixtures.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.fs.CopyResult;
import org.unionfs.api.fs.ReflinkMode;
import org.unionfs.api.fs.TreeCopier;

/**
 * Copy-on-write clones where the home's filesystem has them (btrfs, xfs with reflink=1) and full copies
 * elsewhere (ext4), each on its own loop-mounted filesystem. Sharing is checked with {@code filefrag -v}
 * (the FIEMAP "shared" flag), not with timings.
 */
class VfsReflinkTest {
  private static final long BIG = 32L << 20;

  /** Builds base (fixture + a 32 MiB file) and a child of it; returns the child's big file. */
  static Path baseAndChild(GraphDriver d) throws Exception {
    d.createReadWrite("base", null, CreateOptions.NONE);
    Path base = d.get("base", "");
    VfsFixtures.fill(base);
    VfsFixtures.writeBytes(base.resolve("big.bin"), BIG);
    d.put("base");
    d.create("child", "base", CreateOptions.NONE);
    Path child = d.get("child", "");
    assertThat(snapshot(base).differences(snapshot(child))).isEmpty();
    d.put("child");
    return child.resolve("big.bin");
  }

  static boolean shared(Path file) throws Exception {
    String out = LoopFilesystem.output("filefrag", "-v", file.toString());
    return out.lines().filter(l -> l.matches("\\s*\\d+:.*")).allMatch(l -> l.contains("shared"))
        && out.contains("shared");
  }

  @Nested
  class OnBtrfs {
    @RegisterExtension
    final LoopFilesystem fs = LoopFilesystem.of("btrfs");

    @Test
    void childSharesItsParentsBlocks() throws Exception {
      try (GraphDriver d = VfsFixtures.open(fs.path().resolve("vfs"))) {
        assertThat(d.capabilities()).contains(DriverCapability.COPY_ON_WRITE);
        Path big = baseAndChild(d);
        assertThat(shared(big)).as("filefrag -v shows shared extents").isTrue();
        // writing the child does not touch the parent
        Files.writeString(big, "rewritten");
        assertThat(Files.size(fs.path().resolve("vfs/dir/base/big.bin"))).isEqualTo(BIG);
      }
    }

    @Test
    void copierDecidesOncePerTreeAndNeverModeCopies() throws Exception {
      Path src = Files.createDirectory(fs.path().resolve("src"));
      VfsFixtures.writeBytes(src.resolve("a"), 1 << 20);
      VfsFixtures.writeBytes(src.resolve("b"), 1 << 20);
      CopyResult auto = TreeCopier.copyTree(src, fs.path().resolve("auto"));
      assertThat(auto.clonedFiles()).isEqualTo(2);
      assertThat(auto.copiedBytes()).isZero();
      CopyResult never = TreeCopier.copyTree(src, fs.path().resolve("never"), ReflinkMode.NEVER);
      assertThat(never.clonedFiles()).isZero();
      assertThat(never.copiedBytes()).isEqualTo(2 << 20);
    }
  }

  @Nested
  class OnXfsWithReflink {
    @RegisterExtension
    final LoopFilesystem fs = LoopFilesystem.of("xfs").mkfsOptions("-m", "reflink=1");

    @Test
    void childSharesItsParentsBlocks() throws Exception {
      try (GraphDriver d = VfsFixtures.open(fs.path().resolve("vfs"))) {
        assertThat(d.capabilities()).contains(DriverCapability.COPY_ON_WRITE)
            .doesNotContain(DriverCapability.QUOTA);
        assertThat(shared(baseAndChild(d))).isTrue();
      }
    }
  }

  @Nested
  class OnExt4 {
    @RegisterExtension
    final LoopFilesystem fs = LoopFilesystem.of("ext4");

    @Test
    void childIsAFullCopy() throws Exception {
      try (GraphDriver d = VfsFixtures.open(fs.path().resolve("vfs"))) {
        assertThat(d.capabilities()).doesNotContain(DriverCapability.COPY_ON_WRITE);
        long freeBefore = Files.getFileStore(fs.path()).getUsableSpace();
        Path big = baseAndChild(d);
        assertThat(shared(big)).isFalse();
        long used = freeBefore - Files.getFileStore(fs.path()).getUsableSpace();
        assertThat(used).as("two full copies of the 32 MiB file").isGreaterThanOrEqualTo(2 * BIG);
      }
    }
  }
}
