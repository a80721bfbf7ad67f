package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver inside a user namespace ({@code unshare --user --map-root-user --mount}, as rootless
 * Docker runs): the probe turns on {@code userxattr}, layers use {@code user.overlay.*} xattrs, and
 * native changes and diffs still equal naive ones ({@link UserNamespaceMain} in a child JVM).
 */
class UserNamespaceTest {
  @TempDir Path tmp;

  @Test
  void lifecycle_inUserNamespace_usesUserxattrAndStaysExact() throws Exception {
    Host.assumeOverlay();
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare (util-linux) missing");
    Path max = Path.of("/proc/sys/user/max_user_namespaces");
    assumeTrue(!Files.exists(max) || !Files.readString(max).trim().equals("0"), "user namespaces disabled");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder("/usr/bin/unshare", "--user", "--map-root-user", "--mount", java.toString(),
        "-cp", System.getProperty("java.class.path"), UserNamespaceMain.class.getName(),
        tmp.resolve("overlay2").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("userxattr: true", "ok native diff = naive diff").endsWith("OK\n");
  }
}
