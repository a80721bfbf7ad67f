package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.testkit.Fixture.bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.posix.FileStat;
import org.unionfs.testkit.FsOp.CreateDir;
import org.unionfs.testkit.FsOp.Link;
import org.unionfs.testkit.FsOp.Mknod;
import org.unionfs.testkit.FsOp.RemoveAll;
import org.unionfs.testkit.FsOp.SetTimes;
import org.unionfs.testkit.FsOp.SetXattr;
import org.unionfs.testkit.FsOp.Symlink;
import org.unionfs.testkit.FsOp.WriteFile;

/**
 * applyDiff with OCI "applied, not extracted" semantics, whatever way the driver stores the result:
 * whiteouts and opaque directories hide lower entries (an opaque marker takes effect first, wherever
 * it stands), every entry type lands as the tar says, gzip is detected, the returned size is the sum
 * of the regular files; hostile and malformed tars are refused with InvalidArgumentException, leaving
 * the layer as it was and nothing written outside it.
 */
public abstract class ApplyDiffChecks extends ConformanceBase {
  private static final long T = 1_700_000_000L;

  protected ApplyDiffChecks(DriverFactory factory) {
    super(factory);
  }

  private static final Fixture BASE = Fixture.of(
      new CreateDir("/a", 0755), new WriteFile("/a/f1", bytes("one"), 0644),
      new WriteFile("/a/f2", bytes("two"), 0644), new CreateDir("/b", 0755),
      new WriteFile("/b/x", bytes("x"), 0644), new CreateDir("/c", 0755),
      new WriteFile("/c/y", bytes("y"), 0644), new CreateDir("/c/sub", 0755),
      new WriteFile("/c/sub/z", bytes("z"), 0644), new WriteFile("/keep", bytes("file"), 0644),
      new CreateDir("/e", 0755), new WriteFile("/e/old", bytes("old"), 0644));

  /** Builds the base layer and its oracle; returns the oracle directory. */
  private Path base() throws IOException {
    Fixture.Clock clock = Fixture.Clock.forLayer(0);
    driver.createReadWrite("base", null, CreateOptions.NONE);
    apply("base", BASE, clock);
    Path oracle = Files.createDirectory(work.resolve("oracle"));
    FsOp.chmod(oracle, 0755);
    BASE.applyTo(oracle, clock);
    return oracle;
  }

  private static TarBuilder layerTar() {
    return new TarBuilder(Host.uid(), Host.gid())
        .dir("a", 0755, T + 1).whiteout("a/f1").whiteout("b")
        .dir("c", 0700, T + 2).file("c/new", bytes("new"), 0644, T + 3).opaque("c")
        .dir("d", 0750, T + 4).file("d/file", bytes("data in d"), 0640, T + 5, "user.test", "hello")
        .hardlink("d/link", "d/file", T + 5).symlink("s", "d/file", T + 6).fifo("p", 0600, T + 7)
        .dir("keep", 0711, T + 8).file("keep/inner", bytes("inner"), 0600, T + 9)
        .file("e", bytes("e is a file now"), 0644, T + 10);
  }

  /** The oracle after {@link #layerTar()}: the same effects as plain operations. */
  private static void applyLayerToOracle(Path oracle) throws IOException {
    Fixture.of(new RemoveAll("/a/f1"), new RemoveAll("/b"), new RemoveAll("/c/y"),
        new RemoveAll("/c/sub"), new FsOp.Chmod("/c", 0700),
        new WriteFile("/c/new", bytes("new"), 0644), new CreateDir("/d", 0750),
        new WriteFile("/d/file", bytes("data in d"), 0640),
        new SetXattr("/d/file", "user.test", bytes("hello")), new Link("/d/link", "/d/file"),
        new Symlink("/s", "d/file"), new Mknod("/p", FileStat.S_IFIFO | 0600, 0),
        new RemoveAll("/keep"), new CreateDir("/keep", 0711),
        new WriteFile("/keep/inner", bytes("inner"), 0600), new RemoveAll("/e"),
        new WriteFile("/e", bytes("e is a file now"), 0644),
        new SetTimes("/a", T + 1, 0), new SetTimes("/c", T + 2, 0), new SetTimes("/c/new", T + 3, 0),
        new SetTimes("/d", T + 4, 0), new SetTimes("/d/file", T + 5, 0), new SetTimes("/s", T + 6, 0),
        new SetTimes("/p", T + 7, 0), new SetTimes("/keep", T + 8, 0),
        new SetTimes("/keep/inner", T + 9, 0), new SetTimes("/e", T + 10, 0))
        .applyTo(oracle, new Fixture.Clock(T, 1, 1));
  }

  static Stream<Arguments> encodings() {
    return Stream.of(Arguments.of("plain", Function.<byte[]>identity()),
        Arguments.of("gzip", (Function<byte[], byte[]>) TarBuilder::gzip));
  }

  /** Whiteouts, an opaque directory after its new child, every entry type, type replacements. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void applyDiff_whiteoutsOpaqueAndEntryTypes_giveExpectedTree(String name,
      Function<byte[], byte[]> encode) throws IOException {
    Path oracle = base();
    TreeManifest baseTree = TreeManifest.of(oracle);
    driver.create("layer", "base", CreateOptions.NONE);
    TarBuilder tar = layerTar();
    long size = driver.applyDiff("layer", "base", TarBuilder.stream(encode.apply(tar.build())));
    assertThat(size).as("applyDiff size (regular files only)").isEqualTo(tar.regularBytes());

    applyLayerToOracle(oracle);
    TreeManifest expected = TreeManifest.of(oracle);
    TreeAssert.assertTreesEqual(expected, manifestOf("layer"), "layer after applyDiff (" + name + ")");
    TreeAssert.assertTreesEqual(baseTree, manifestOf("base"), "base after applyDiff to its child");
    assertThat(driver.changes("layer", "base")).as("changes of the applied layer")
        .containsExactlyElementsOf(ExpectedChanges.between(baseTree, expected));
  }

  /** A tar applied to a layer without parent gives exactly its entries. */
  @Test
  void applyDiff_noParent_givesTarEntries() throws IOException {
    driver.create("solo", null, CreateOptions.NONE);
    byte[] tar = new TarBuilder(Host.uid(), Host.gid()).dir("etc", 0755, T)
        .file("etc/hosts", bytes("127.0.0.1 localhost\n"), 0644, T + 1)
        .symlink("etc/mtab", "/proc/mounts", T + 2).build();
    assertThat(driver.applyDiff("solo", null, TarBuilder.stream(tar))).isEqualTo(20);
    withView("solo", root -> {
      assertThat(Files.readString(root.resolve("etc/hosts"))).isEqualTo("127.0.0.1 localhost\n");
      assertThat(Files.readSymbolicLink(root.resolve("etc/mtab")).toString()).isEqualTo("/proc/mounts");
      assertThat(Files.getLastModifiedTime(root.resolve("etc")).toMillis()).isEqualTo(T * 1000);
      return null;
    });
  }

  static Stream<Arguments> hostileTars() {
    int u = Host.uid();
    int g = Host.gid();
    return Stream.of(
        Arguments.of("dotdot", new TarBuilder(u, g).file("first", bytes("1"), 0644, T)
            .file("../escape", bytes("x"), 0644, T).build()),
        Arguments.of("nested dotdot", new TarBuilder(u, g).file("first", bytes("1"), 0644, T)
            .dir("a", 0755, T).file("a/../../escape", bytes("x"), 0644, T).build()),
        Arguments.of("through symlink", new TarBuilder(u, g).file("first", bytes("1"), 0644, T)
            .symlink("ln", "OUTSIDE", T).file("ln/pwned", bytes("x"), 0644, T).build()),
        Arguments.of("hardlink outside", new TarBuilder(u, g).file("first", bytes("1"), 0644, T)
            .hardlink("hl", "../../../../../../../../etc/passwd", T).build()),
        Arguments.of("whiteout escape", new TarBuilder(u, g).file("first", bytes("1"), 0644, T)
            .whiteout("../escape").build()),
        Arguments.of("bare .wh.", new TarBuilder(u, g).file("first", bytes("1"), 0644, T)
            .file(".wh.", new byte[0], 0644, T).build()),
        Arguments.of("garbage", RandomContent.of(10_000, 42)),
        Arguments.of("truncated", truncated(new TarBuilder(u, g).file("first", bytes("1"), 0644, T)
            .file("big", RandomContent.of(4096, 1), 0644, T).build())));
  }

  private static byte[] truncated(byte[] tar) {
    return java.util.Arrays.copyOf(tar, 512 * 4 + 100);
  }

  /** Hostile or malformed tars are refused by type; the layer and everything outside are unchanged. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileTars")
  void applyDiff_hostileOrMalformed_refusedAndNothingChanged(String name, byte[] tar)
      throws IOException {
    Path outside = Files.createDirectories(work.resolve("outside"));
    Files.writeString(outside.resolve("passwd"), "outside file");
    byte[] resolved = new String(tar, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("OUTSIDE", outside.toString()).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    if (resolved.length != tar.length) {
      // The symlink target is in a PAX header whose length fields would be wrong: rebuild instead.
      resolved = new TarBuilder(Host.uid(), Host.gid()).file("first", bytes("1"), 0644, T)
          .symlink("ln", outside.toString(), T).file("ln/pwned", bytes("x"), 0644, T).build();
    }
    driver.create("target", null, CreateOptions.NONE);
    addFile("target", "existing", bytes("before"));
    TreeManifest before = manifestOf("target");
    TreeManifest outsideBefore = TreeManifest.of(outside);
    TreeManifest homeParentBefore = TreeManifest.of(tmp);
    byte[] input = resolved;
    assertThatThrownBy(() -> driver.applyDiff("target", null, TarBuilder.stream(input)))
        .as("applyDiff of a %s tar", name).isInstanceOf(InvalidArgumentException.class);
    TreeAssert.assertTreesEqual(before, manifestOf("target"), "layer after a refused " + name + " tar");
    TreeAssert.assertTreesEqual(outsideBefore, TreeManifest.of(outside), "outside dir after " + name);
    List<String> escaped = TreeManifest.of(tmp).entries().keySet().stream()
        .filter(p -> p.endsWith("/escape") || p.endsWith("/pwned")).toList();
    assertThat(escaped).as("files written by the %s tar", name).isEmpty();
    assertThat(homeParentBefore.get("/escape")).isNull();
  }
}
