package org.unionfs.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.unionfs.nio.ProviderOracleTest.Log;
import org.unionfs.nio.ProviderOracleTest.Scenario;

/**
 * {@link ProviderOracleTest} on content that lives in the lower branch: the union must behave as the plain
 * directory holding the same tree (copy-up, whiteouts and opaque directories invisible), and never write its
 * lower branch.
 */
class LowerBranchOracleTest {
  @TempDir
  Path tmp;

  /** The tree the lower-branch scenarios start from: in the lower branch of the union, in the plain dir. */
  static void populate(Path root) throws IOException {
    Files.createDirectories(root.resolve("etc/conf.d"));
    Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.writeString(root.resolve("etc/conf.d/a"), "a");
    Files.writeString(root.resolve("etc/conf.d/b"), "b");
    Files.createDirectories(root.resolve("usr/bin"));
    Files.writeString(root.resolve("usr/bin/tool"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(root.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
    Files.getFileAttributeView(root.resolve("etc/hosts"), UserDefinedFileAttributeView.class)
        .write("origin", ByteBuffer.wrap("lower".getBytes(StandardCharsets.UTF_8)));
  }

  /** Scenarios on content that lives in the lower branch of the union (copy-up, whiteouts, opaque dirs). */
  static Map<String, Scenario> lowerScenarios() {
    Map<String, Scenario> s = new TreeMap<>();
    s.put("changeLower", (r, log) -> {
      log.step("append lower", () -> Files.writeString(r.resolve("etc/hosts"), "::1 localhost\n",
          StandardOpenOption.APPEND));
      log.step("xattr kept on copy-up", () -> Files.readAttributes(r.resolve("etc/hosts"), "user:origin").get("origin"));
      log.step("chmod lower dir", () -> {
        Files.setPosixFilePermissions(r.resolve("usr/bin"), PosixFilePermissions.fromString("rwx------"));
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(r.resolve("usr/bin")));
      });
      log.step("run through lower link", () -> Files.readString(r.resolve("bin/tool")));
      log.step("hard link to lower", () -> Files.createLink(r.resolve("tool2"), r.resolve("usr/bin/tool")));
      log.step("nlink", () -> Files.getAttribute(r.resolve("tool2"), "unix:nlink"));
      log.step("truncate lower via channel", () -> {
        try (FileChannel c = FileChannel.open(r.resolve("etc/conf.d/a"), StandardOpenOption.WRITE)) {
          c.truncate(0);
          return c.size();
        }
      });
    });
    s.put("removeLower", (r, log) -> {
      log.step("delete lower file", () -> {
        Files.delete(r.resolve("etc/conf.d/a"));
        return ProviderOracleTest.sortedNames(r.resolve("etc/conf.d"), "*");
      });
      log.step("recreate it", () -> Files.writeString(r.resolve("etc/conf.d/a"), "new"));
      log.step("delete non-empty lower dir", () -> {
        Files.delete(r.resolve("etc/conf.d"));
        return null;
      });
      log.step("rm -r lower dir", () -> {
        try (Stream<Path> w = Files.walk(r.resolve("etc"))) {
          for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
        return Files.exists(r.resolve("etc"));
      });
      log.step("recreate dir empty", () -> {
        Files.createDirectory(r.resolve("etc"));
        return ProviderOracleTest.sortedNames(r.resolve("etc"), "*");
      });
      log.step("delete lower symlink", () -> {
        Files.delete(r.resolve("bin"));
        return Files.exists(r.resolve("usr/bin/tool"));
      });
    });
    s.put("renameLower", (r, log) -> {
      log.step("rename lower file", () -> Files.move(r.resolve("etc/hosts"), r.resolve("hosts")));
      log.step("read renamed", () -> Files.readString(r.resolve("hosts")));
      log.step("rename lower dir", () -> Files.move(r.resolve("etc/conf.d"), r.resolve("conf")));
      log.step("list renamed dir", () -> ProviderOracleTest.sortedNames(r.resolve("conf"), "*"));
      log.step("old gone", () -> Files.exists(r.resolve("etc/conf.d")));
      log.step("replace lower file", () -> Files.move(r.resolve("conf/a"), r.resolve("conf/b"),
          StandardCopyOption.REPLACE_EXISTING));
      log.step("copy lower tree file", () -> Files.copy(r.resolve("usr/bin/tool"), r.resolve("tool.bak"),
          StandardCopyOption.COPY_ATTRIBUTES));
    });
    return s;
  }

  static List<String> lowerNames() {
    return new ArrayList<>(lowerScenarios().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lowerNames")
  void lowerScenario_onUnion_equalsPlainDirectory(String name) throws Exception {
    Scenario scenario = lowerScenarios().get(name);
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    populate(plain);
    Log expected = new Log(plain);
    scenario.run(plain, expected);

    Path upper = Files.createDirectory(tmp.resolve("upper"));
    Path lower = Files.createDirectory(tmp.resolve("lower"));
    populate(lower);
    String lowerBefore = TreeSnapshot.of(lower);
    try (FileSystem fs = UnionFileSystems.open(org.unionfs.api.union.UnionConfig.of(upper, List.of(lower)))) {
      Path root = fs.getPath("/");
      Log actual = new Log(root);
      scenario.run(root, actual);
      assertThat(String.join("\n", actual.lines)).as("results on the union")
          .isEqualTo(String.join("\n", expected.lines));
      assertThat(TreeSnapshot.of(root)).as("tree of the union").isEqualTo(TreeSnapshot.of(plain));
    }
    assertThat(TreeSnapshot.of(lower)).as("the lower branch is never written").isEqualTo(lowerBefore);
  }
}
