package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.layer.testing.HostileCase;
import org.unionfs.api.layer.testing.HostileFormatCorpus;
import org.unionfs.api.layer.testing.HostilePathCorpus;
import org.unionfs.api.layer.testing.Sandbox;
import org.unionfs.api.layer.testing.TreeSnapshot;

/**
 * The hostile corpus (see {@link HostileFormatCorpus} and {@link HostilePathCorpus}): one test per tar,
 * applied with every whiteout format. A refused tar must raise exactly
 * {@link InvalidArgumentException} naming the entry and leave the whole sandbox (layer and outside)
 * as it was, bit for bit; an accepted tar must leave everything outside the layer as it was and give
 * the layer the case describes (checked for DELETE; the other formats only change how whiteouts are
 * stored, so for them the test checks that nothing outside the layer changed).
 */
class HostileTarTest {

  /**
   * Tars refused without the typed, named error the corpus asks for: the test then asserts only
   * "refused, and the sandbox unchanged". Empty: every tar of the corpus gets the exact error.
   */
  static final Set<String> OPEN_GAPS = Set.of();

  static Stream<HostileCase> corpus() {
    return Stream.concat(HostileFormatCorpus.cases().stream(), HostilePathCorpus.cases().stream());
  }

  @ParameterizedTest(name = "{0} (DELETE)")
  @MethodSource("corpus")
  void delete(HostileCase c, @TempDir Path tmp) throws Exception {
    run(c, tmp, WhiteoutFormat.DELETE);
  }

  @ParameterizedTest(name = "{0} (OVERLAY)")
  @MethodSource("corpus")
  void overlay(HostileCase c, @TempDir Path tmp) throws Exception {
    run(c, tmp, WhiteoutFormat.OVERLAY);
  }

  @ParameterizedTest(name = "{0} (AUFS)")
  @MethodSource("corpus")
  void aufs(HostileCase c, @TempDir Path tmp) throws Exception {
    run(c, tmp, WhiteoutFormat.AUFS);
  }

  private static void run(HostileCase c, Path tmp, WhiteoutFormat format) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "the corpus sets owners and device numbers: needs root");
    Sandbox s = Sandbox.create(Files.createDirectory(tmp.resolve("sandbox")));
    byte[] tar = c.tar().apply(s);
    TreeSnapshot before = s.snapshot();
    TreeSnapshot outsideBefore = s.outsideSnapshot();

    long[] size = {-1};
    Throwable thrown = catchThrowable(
        () -> size[0] = LayerTar.apply(s.layer, new ByteArrayInputStream(tar), format));

    if (c.mustReject() && OPEN_GAPS.contains(c.name())) {
      assertThat(thrown).as("%s must be refused", c.name()).isNotNull();
      assertThat(s.snapshot().diff(before)).as("sandbox unchanged after refusing %s", c.name())
          .isEmpty();
    } else if (c.mustReject()) {
      assertThat(thrown).as("%s must be refused", c.name())
          .isExactlyInstanceOf(InvalidArgumentException.class);
      assertThat(thrown.getMessage()).isNotBlank();
      if (!c.mentions().isEmpty()) {
        String msg = thrown.getMessage().toLowerCase(Locale.ROOT);
        assertThat(c.mentions()).as("message %s must name one of", thrown.getMessage())
            .anyMatch(m -> msg.contains(m.toLowerCase(Locale.ROOT)));
      }
      TreeSnapshot after = s.snapshot();
      assertThat(after.diff(before)).as("sandbox (layer and outside) unchanged after refusing %s",
          c.name()).isEmpty();
    } else {
      assertThat(thrown).as("%s must be accepted", c.name()).isNull();
      assertThat(s.outsideSnapshot().diff(outsideBefore)).as("outside unchanged").isEmpty();
      assertThat(s.root.toFile().list()).as("no leftovers beside the layer")
          .containsExactlyInAnyOrder("layer", "outside");
      if (format == WhiteoutFormat.DELETE) {
        c.check().verify(s, size[0]);
      }
    }
  }
}
