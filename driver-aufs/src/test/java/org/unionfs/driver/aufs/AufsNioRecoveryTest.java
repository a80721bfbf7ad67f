package org.unionfs.driver.aufs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;

/**
 * kill -9 of a child JVM holding {@code aufs.mountmode=nio} views (one file open, one open and unlinked),
 * then reopening the home in this JVM: the branch locks died with the child, the union's bookkeeping is
 * cleared, the layers are intact and usable. Needs no root.
 */
class AufsNioRecoveryTest {
  @TempDir
  Path tmp;

  @Test
  void killDuringNioSession_reopen_layersIntactAndUsable() throws Exception {
    Path home = tmp.resolve("aufs");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        CrashChild.class.getName(), "mount-nio", home.toString()));
    Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String l;
      do {
        l = out.readLine();
      } while (l != null && !l.equals("READY"));
      assertThat(l).as("the child printed READY").isEqualTo("READY");
      assertThat(Files.exists(home.resolve("diff/ctr/.wh..wh.orph"))).as("bookkeeping while open").isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL: no close(), no put
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    try (GraphDriver d = new AufsDriverProvider().open(new DriverContext(home, Map.of(AufsOptions.MOUNT_MODE, "nio")))) {
      Path v = d.get("ctr", "");
      try {
        assertThat(Files.readString(v.resolve("written-before-crash.txt"))).isEqualTo("kept");
        assertThat(Files.readAllBytes(v.resolve("open.txt"))).containsExactly(1, 2, 3);
        assertThat(Files.exists(v.resolve("base.txt"))).as("unlinked before the crash").isFalse();
        Files.writeString(v.resolve("after.txt"), "after");
      } finally {
        d.put("ctr");
      }
      assertThat(Files.exists(home.resolve("diff/ctr/.wh..wh.orph"))).as("bookkeeping after close").isFalse();
      Path img = d.get("img", "");
      try {
        assertThat(Files.readString(img.resolve("base.txt"))).isEqualTo("base");
      } finally {
        d.put("img");
      }
      d.remove("ctr");
      d.remove("img");
      d.remove("base");
      try (var s = Files.list(home.resolve("diff"))) {
        assertThat(s).isEmpty();
      }
    }
  }
}
