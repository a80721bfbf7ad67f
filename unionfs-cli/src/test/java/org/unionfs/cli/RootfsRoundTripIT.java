package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.unionfs.api.posix.Posix;

/**
 * The issue's acceptance check, through the real launcher {@code bin/unionfs --driver vfs} and the packaged
 * jar: a root filesystem tar and a second layer with whiteouts and an opaque directory apply; export gives
 * the tree GNU tar extracts from the same tars (with the whiteouts applied by hand); and the diff of the
 * child applied onto a fresh child of the parent exports the same tree again.
 *
 * <p>Two root filesystems: one built from this machine's own files ({@code /etc} and part of
 * {@code /usr/share/doc}, plus special files), in GNU and POSIX tar formats; and a real Debian bookworm
 * minbase from {@code debootstrap} (or the bench corpus {@code $CORPORA/debian.tar} if present), which
 * needs root, debootstrap and the apt mirror.
 */
class RootfsRoundTripIT {
  @TempDir
  Path work;

  private static Path property(String name) {
    String v = System.getProperty(name);
    Objects.requireNonNull(v, "system property " + name + " (set by the failsafe configuration)");
    return Path.of(v);
  }

  /** {@code bin/unionfs --driver vfs --home HOME ARGS...}; returns stdout, fails on a non-zero exit. */
  private String unionfs(Path home, Path stdout, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(property("unionfs.launcher").toString(),
        "--driver", "vfs", "--home", home.toString()));
    argv.addAll(List.of(args));
    Shell.Result r = Shell.run(argv, Map.of("UNIONFS_JAR", property("unionfs.jar").toString(), "LC_ALL", "C"),
        null, stdout, 900);
    assertThat(r.exit()).as("unionfs %s: %s", String.join(" ", args), r.stderr()).isZero();
    assertThat(r.stderr()).as("stderr of unionfs %s", String.join(" ", args)).isEmpty();
    return r.stdout();
  }

  @Test
  void packagedJars_carryEveryDriverAndLibrary_andTheLauncherRunsThem() throws Exception {
    String services;
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(property("unionfs.jar").toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(Main.class.getName());
      services = new String(jar.getInputStream(
          jar.getEntry("META-INF/services/org.unionfs.api.spi.GraphDriverProvider")).readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(services).contains("org.unionfs.driver.vfs.VfsDriverProvider");
      for (String cls : List.of("io/airlift/compress/zstd/ZstdInputStream.class",
          "org/apache/commons/compress/archivers/tar/TarArchiveInputStream.class", "picocli/CommandLine.class",
          "jnr/ffi/LibraryLoader.class", "org/unionfs/driver/vfs/VfsDriverProvider.class")) {
        assertThat(jar.getEntry(cls)).as(cls + " in unionfs.jar").isNotNull();
      }
    }
    Path fuseJar = property("unionfs.jar").resolveSibling("fuse-mount.jar");
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(fuseJar.toFile())) {
      String main = jar.getManifest().getMainAttributes().getValue("Main-Class");
      assertThat(main).isEqualTo("org.unionfs.cli.fusemount.FuseMountMain");
      assertThat(jar.getEntry(main.replace('.', '/') + ".class")).as(main + " in fuse-mount.jar").isNotNull();
    }
    // Every provider the jar registers is found by the registry (drivers without one yet say so).
    List<String> drivers = List.of(unionfs(work.resolve("home"), null, "drivers").split("\n"));
    assertThat(drivers).anyMatch(l -> l.startsWith("vfs: supported"));
    assertThat(drivers.stream().filter(l -> !l.endsWith("not on the class path")).count())
        .isEqualTo(services.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count());
  }

  private static void requireRootAndGnuTar() throws IOException, InterruptedException {
    assumeTrue(Homes.isRoot(), "needs root: owners, device nodes and setuid bits of a root filesystem");
    assertThat(Shell.bash("tar --version | head -1")).as("GNU tar is required").contains("GNU tar");
  }

  @ParameterizedTest(name = "{0} format, second layer {1}")
  @CsvSource({"gnu, --gzip", "posix, --zstd"})
  void machineRootfs_applyExportAndDiffRoundTrip(String format, String compression) throws Exception {
    requireRootAndGnuTar();
    Path extras = work.resolve("extras");
    Files.createDirectories(extras);
    Shell.bash("cd " + Shell.q(extras) + "\n"
        + "mkdir -p special/empty && chmod 1777 special/empty\n"
        + "printf 'hard\\n' > special/hard1 && ln special/hard1 special/hard2\n"
        + "printf 'suid\\n' > special/suid && chmod 4755 special/suid\n"
        + "printf 'sgid\\n' > special/sgid && chown 0:50 special/sgid && chmod 2750 special/sgid\n"
        + "mkfifo special/fifo && mknod special/null c 1 3 && mknod special/loop0 b 7 0\n"
        + "ln -s ../etc/hostname special/rel-link && ln -s /nonexistent/target special/dangling\n"
        + "touch -d '2001-02-03 04:05:06.789' special/hard1\n");
    String docs;
    try (Stream<Path> s = Files.list(Path.of("/usr/share/doc"))) {
      docs = s.map(p -> "usr/share/doc/" + p.getFileName()).sorted().limit(150)
          .map(Shell::q).reduce((a, b) -> a + " " + b).orElseThrow();
    }
    Path base = work.resolve("base.tar");
    Shell.bash("tar --format=" + format + " --numeric-owner --xattrs --xattrs-include='*' -cf " + Shell.q(base)
        // The parents of usr/share/doc/* as entries of their own, as in a real rootfs tar (a parent that
        // is only implied gets an undefined mtime from any extractor), each directly before its contents
        // (GNU tar restores a directory's mtime when the next member is outside it).
        + " -C / etc --no-recursion usr usr/share usr/share/doc --recursion " + docs
        + " -C " + Shell.q(extras) + " special");
    roundTrip(base, format, compression);
  }

  @Test
  void debianRootfs_applyExportAndDiffRoundTrip() throws Exception {
    requireRootAndGnuTar();
    Path base = debianTar();
    roundTrip(base, "posix", "--zstd");
  }

  /** $CORPORA/debian.tar if the bench corpora exist, else a fresh debootstrap (skipped if impossible). */
  private Path debianTar() throws IOException, InterruptedException {
    String corpora = Objects.requireNonNullElse(System.getenv("CORPORA"), "/tmp/unionfs-bench/layers/corpora");
    Path corpus = Path.of(corpora, "debian.tar");
    if (Files.isRegularFile(corpus)) {
      return corpus;
    }
    Path debootstrap = Path.of("/usr/sbin/debootstrap");
    assumeTrue(Files.isExecutable(debootstrap), "needs debootstrap (apt-get install debootstrap) or "
        + corpus + " (bench/make-corpora.sh)");
    // The first URI apt is configured with (deb822 sources, else sources.list), as bench/make-corpora.sh.
    String mirror = Shell.bash("{ awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true;"
        + " awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true; } | head -1").strip();
    assumeTrue(!mirror.isEmpty(), "no apt mirror configured for debootstrap");
    Path root = work.resolve("debian");
    Shell.Result r = Shell.run(List.of(debootstrap.toString(), "--variant=minbase", "bookworm", root.toString(),
        mirror), Map.of(), null, null, 1200);
    assumeTrue(r.exit() == 0, "debootstrap from " + mirror + " failed (no network?): "
        + Errors.oneLine(r.stderr().lines().reduce((a, b) -> b).orElse("")));
    Path tar = work.resolve("debian.tar");
    // As a Docker image layer: /dev emptied, written with numeric owners and every xattr.
    Shell.bash("find " + Shell.q(root.resolve("dev")) + " -mindepth 1 -delete\n"
        + "cd " + Shell.q(root) + " && tar --format=posix --numeric-owner --xattrs --xattrs-include='*' "
        + "--sort=name -cf " + Shell.q(tar) + " $(ls -A)\n"
        + "rm -rf " + Shell.q(root));
    return tar;
  }

  private void roundTrip(Path baseTar, String format, String compression) throws Exception {
    Path home = work.resolve("home");
    String tarX = "tar --numeric-owner --xattrs --xattrs-include='*' -xpf ";

    // The expected trees: GNU tar's extraction of the base, then the second layer's semantics.
    Path expectedBase = Files.createDirectories(work.resolve("expected-base"));
    Shell.bash(tarX + Shell.q(baseTar) + " -C " + Shell.q(expectedBase));
    Path staging = Files.createDirectories(work.resolve("layer2"));
    SecondLayer layer2 = SecondLayer.stage(expectedBase, staging);
    Path layer2Tar = work.resolve("layer2.tar" + (compression.equals("--zstd") ? ".zst" : ".gz"));
    Shell.bash("cd " + Shell.q(staging) + " && tar --format=" + format + " " + compression
        + " --numeric-owner --xattrs --xattrs-include='*' --sort=name -cf " + Shell.q(layer2Tar) + " $(ls -A)");
    Path expected = Files.createDirectories(work.resolve("expected"));
    Shell.bash(tarX + Shell.q(baseTar) + " -C " + Shell.q(expected));
    layer2.applyWhiteouts(expected);
    Shell.bash(tarX + Shell.q(layer2Tar) + " --exclude='.wh.*' -C " + Shell.q(expected));

    // The same through the command line.
    unionfs(home, null, "create", "base");
    long baseSize = Long.parseLong(unionfs(home, null, "apply-diff", "base", baseTar.toString()).strip());
    assertThat(baseSize).isPositive();
    unionfs(home, null, "create", "child", "--parent", "base");
    unionfs(home, null, "apply-diff", "child", "--parent", "base", layer2Tar.toString());

    assertSameTree(expectedBase, exportAndExtract(home, "base"), "export of base");
    Path childView = exportAndExtract(home, "child");
    assertSameTree(expected, childView, "export of child");

    List<String> changes = List.of(unionfs(home, null, "changes", "child", "--parent", "base").split("\n"));
    for (String w : layer2.whiteouts()) {
      assertThat(changes).contains("D /" + w);
    }
    assertThat(changes).contains("A /added-by-layer2", "A /" + layer2.opaqueDirs().get(0) + "/fresh.txt");

    Path diff = work.resolve("child-diff.tar");
    unionfs(home, diff, "diff", "child", "--parent", "base");
    unionfs(home, null, "create", "replay", "--parent", "base");
    unionfs(home, null, "apply-diff", "replay", "--parent", "base", diff.toString());
    // A diff carries every xattr (not only security.capability as moby's ExportChanges): the replayed
    // layer is identical to the child.
    assertSameTree(expected, exportAndExtract(home, "replay"), "export of the child's diff applied to base");
    assertThat(unionfs(home, null, "changes", "replay", "--parent", "base").split("\n"))
        .containsExactlyElementsOf(changes);
  }

  private Path exportAndExtract(Path home, String id) throws IOException, InterruptedException {
    Path tar = work.resolve(id + "-export.tar");
    unionfs(home, tar, "export", id);
    Path dir = Files.createDirectories(work.resolve(id + "-export"));
    Shell.bash("tar --numeric-owner --xattrs --xattrs-include='*' -xpf " + Shell.q(tar) + " -C " + Shell.q(dir));
    Files.delete(tar);
    return dir;
  }

  /** Compares two trees at tar precision (whole-second mtimes), their roots excepted. */
  private static void assertSameTree(Path expected, Path actual, String what) throws IOException {
    List<String> diffs = TreeFacts.differences(TreeFacts.of(expected, true), TreeFacts.of(actual, true));
    assertThat(diffs).as("%s: differences from GNU tar's tree (%s)", what, expected).isEmpty();
  }
}
