package org.unionfs.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.LayerMount;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.error.NotSupportedException;

/**
 * The API contract every driver keeps: typed errors naming the id for bad input, nothing changed by a
 * refused call, get/put reference counting, idempotent close, state that survives a reopen.
 * Concurrency has its own group ({@link ConcurrencyChecks}).
 */
public abstract class ContractChecks extends ConformanceBase {

  protected ContractChecks(DriverFactory factory) {
    super(factory);
  }

  static Stream<String> badIds() {
    return Stream.of("", "..", ".", "../escape", "a/b", "/abs", ".hidden", "-dash", "sp ace",
        "x".repeat(256), "nul\0byte", "new\nline");
  }

  /** Malformed ids are refused with InvalidArgumentException by every method and change nothing. */
  @ParameterizedTest(name = "id \"{0}\"")
  @MethodSource("badIds")
  void badId_refusedEverywhere_storeUnchanged(String id) throws IOException {
    driver.create("good", null, CreateOptions.NONE);
    var before = TreeManifest.of(home).entries().keySet();
    assertThatThrownBy(() -> driver.create(id, null, CreateOptions.NONE))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> driver.createReadWrite(id, "good", CreateOptions.NONE))
        .isInstanceOf(InvalidArgumentException.class);
    if (!id.isEmpty()) { // "" is Docker's "no parent"
      assertThatThrownBy(() -> driver.create("child", id, CreateOptions.NONE))
          .as("create with parent \"%s\"", id).isInstanceOf(InvalidArgumentException.class);
    }
    assertThatThrownBy(() -> driver.get(id, "")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> driver.put(id)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> driver.remove(id)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> driver.metadata(id)).isInstanceOf(InvalidArgumentException.class);
    assertThat(driver.exists(id)).as("exists(\"%s\")", id).isFalse();
    assertThat(driver.exists("child")).isFalse();
    assertThat(TreeManifest.of(home).entries().keySet()).as("paths under the home")
        .containsExactlyElementsOf(before);
    assertThat(Files.exists(home.resolveSibling("escape"))).isFalse();
  }

  /** exists never throws: null and malformed ids simply do not exist. */
  @Test
  void exists_malformedOrNull_isFalse() {
    assertThat(driver.exists(null)).isFalse();
    badIds().forEach(id -> assertThat(driver.exists(id)).as("exists(\"%s\")", id).isFalse());
    assertThat(driver.exists("never-created")).isFalse();
  }

  /** A second create of an id fails with LayerExistsException and leaves the first layer intact. */
  @Test
  void create_duplicate_refusedAndOriginalIntact() throws IOException {
    driver.createReadWrite("dup", null, CreateOptions.NONE);
    addFile("dup", "keep", Fixture.bytes("original"));
    assertThatThrownBy(() -> driver.create("dup", null, CreateOptions.NONE))
        .isInstanceOf(LayerExistsException.class).hasMessageContaining("dup");
    assertThatThrownBy(() -> driver.createReadWrite("dup", null, CreateOptions.NONE))
        .isInstanceOf(LayerExistsException.class).hasMessageContaining("dup");
    checkFile("dup", "keep", Fixture.bytes("original"));
  }

  /** A missing parent fails with LayerNotFoundException naming it; no layer is left behind. */
  @Test
  void create_missingParent_refusedAndNothingLeft() throws IOException {
    assertThatThrownBy(() -> driver.create("orphan", "no-such-parent", CreateOptions.NONE))
        .isInstanceOf(LayerNotFoundException.class).hasMessageContaining("no-such-parent");
    assertThatThrownBy(() -> driver.createReadWrite("orphan", "no-such-parent", CreateOptions.NONE))
        .isInstanceOf(LayerNotFoundException.class).hasMessageContaining("no-such-parent");
    assertThat(driver.exists("orphan")).isFalse();
    driver.create("orphan", null, CreateOptions.NONE);
    assertThat(driver.exists("orphan")).isTrue();
  }

  /** An unknown storage option is refused by name; no layer is left behind. */
  @Test
  void create_unknownStorageOption_refusedByName() {
    CreateOptions bad = CreateOptions.withStorageOptions(Map.of("no-such-option", "1"));
    assertThatThrownBy(() -> driver.createReadWrite("opt", null, bad))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no-such-option");
    assertThat(driver.exists("opt")).isFalse();
  }

  /** Without QUOTA, the size option is refused (not supported or invalid), never silently ignored. */
  @Test
  void create_sizeOptionWithoutQuota_refused() {
    org.junit.jupiter.api.Assumptions.assumeFalse(has(DriverCapability.QUOTA),
        "the driver declares QUOTA: setQuota checks the size option instead");
    CreateOptions size = CreateOptions.withStorageOptions(Map.of("size", "50M"));
    assertThatThrownBy(() -> driver.createReadWrite("sized", null, size))
        .isInstanceOfAny(NotSupportedException.class, InvalidArgumentException.class)
        .hasMessageContaining("size");
    assertThat(driver.exists("sized")).isFalse();
  }

  /** Removing a layer with a child fails with LayerInUseException; both stay whole. */
  @Test
  void remove_withChildren_refused() throws IOException {
    driver.create("parent", null, CreateOptions.NONE);
    addFile("parent", "p", Fixture.bytes("p"));
    driver.createReadWrite("child", "parent", CreateOptions.NONE);
    assertThatThrownBy(() -> driver.remove("parent"))
        .isInstanceOf(LayerInUseException.class).hasMessageContaining("parent");
    assertThat(driver.exists("parent")).isTrue();
    checkFile("parent", "p", Fixture.bytes("p"));
    checkFile("child", "p", Fixture.bytes("p"));
    driver.remove("child");
    driver.remove("parent");
  }

  /** Removing a mounted layer fails with LayerInUseException; after the put it works. */
  @Test
  void remove_whileMounted_refused() throws IOException {
    driver.createReadWrite("busy", null, CreateOptions.NONE);
    driver.get("busy", "");
    assertThatThrownBy(() -> driver.remove("busy"))
        .isInstanceOf(LayerInUseException.class).hasMessageContaining("busy");
    assertThat(driver.exists("busy")).isTrue();
    driver.put("busy");
    driver.remove("busy");
    assertThat(driver.exists("busy")).isFalse();
  }

  /** Every method on a missing layer fails with LayerNotFoundException naming it. */
  @Test
  void missingLayer_notFoundEverywhere() {
    String id = "missing";
    assertThatThrownBy(() -> driver.get(id, "")).isInstanceOf(LayerNotFoundException.class)
        .hasMessageContaining(id);
    assertThatThrownBy(() -> driver.put(id)).isInstanceOf(LayerNotFoundException.class);
    assertThatThrownBy(() -> driver.remove(id)).isInstanceOf(LayerNotFoundException.class)
        .hasMessageContaining(id);
    assertThatThrownBy(() -> driver.metadata(id)).isInstanceOf(LayerNotFoundException.class);
    assertThatThrownBy(() -> driver.changes(id, null)).isInstanceOf(LayerNotFoundException.class);
    assertThatThrownBy(() -> driver.diffSize(id, null)).isInstanceOf(LayerNotFoundException.class);
    assertThatThrownBy(() -> driver.diff(id, null).close())
        .isInstanceOf(LayerNotFoundException.class);
    assertThatThrownBy(() -> driver.applyDiff(id, null, new java.io.ByteArrayInputStream(new byte[1024])))
        .isInstanceOf(LayerNotFoundException.class);
  }

  /** A put without a get fails with InvalidArgumentException. */
  @Test
  void put_withoutGet_refused() throws IOException {
    driver.create("idle", null, CreateOptions.NONE);
    assertThatThrownBy(() -> driver.put("idle"))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("idle");
    driver.get("idle", "");
    driver.put("idle");
    assertThatThrownBy(() -> driver.put("idle")).as("a put more than the gets")
        .isInstanceOf(InvalidArgumentException.class);
  }

  /** Nested gets return the same path; the layer stays mounted until the last put. */
  @Test
  void getPut_nested_samePathAndOnlyLastPutReleases() throws IOException {
    driver.createReadWrite("rc", null, CreateOptions.NONE);
    Path first = driver.get("rc", "");
    Path second = driver.get("rc", "");
    assertThat(second).as("second get").isEqualTo(first);
    assertThat(first).isAbsolute();
    Files.writeString(first.resolve("f"), "data");
    driver.put("rc");
    assertThat(Files.readString(second.resolve("f"))).as("read after the first put").isEqualTo("data");
    assertThatThrownBy(() -> driver.remove("rc")).as("remove while one reference is left")
        .isInstanceOf(LayerInUseException.class);
    driver.put("rc");
    assertThatThrownBy(() -> driver.put("rc")).isInstanceOf(InvalidArgumentException.class);
    checkFile("rc", "f", Fixture.bytes("data"));
    driver.remove("rc");
  }

  /** Closing a mount handle twice releases one reference. */
  @Test
  void mountHandle_closeTwice_releasesOnce() throws IOException {
    driver.createReadWrite("h", null, CreateOptions.NONE);
    driver.get("h", "");
    LayerMount m = driver.mount("h", "");
    m.close();
    m.close();
    driver.put("h");
    assertThatThrownBy(() -> driver.put("h")).isInstanceOf(InvalidArgumentException.class);
  }

  /** status, metadata and the name answer without throwing; metadata of a missing layer is typed. */
  @Test
  void statusAndMetadata_answer() throws IOException {
    assertThat(driver.name()).isNotBlank();
    assertThat(driver.capabilities()).isNotNull();
    DriverStatus status = driver.status();
    assertThat(status).isNotNull();
    assertThat(status.lines()).allSatisfy(l -> assertThat(l).contains(": "));
    driver.create("meta", null, CreateOptions.NONE);
    assertThat(driver.metadata("meta")).isNotNull();
    driver.get("meta", "");
    assertThat(driver.metadata("meta")).isNotNull();
    assertThat(driver.status()).isNotNull();
    driver.put("meta");
  }

  /** close is idempotent, also with layers mounted, and a reopened driver sees every layer whole. */
  @Test
  void close_idempotent_andReopenKeepsLayers() throws IOException {
    driver.create("base", null, CreateOptions.NONE);
    addFile("base", "b", Fixture.bytes("base"));
    driver.createReadWrite("top", "base", CreateOptions.NONE);
    addFile("top", "t", Fixture.bytes("top"));
    TreeManifest top = manifestOf("top");
    driver.get("top", "");
    assertThatCode(driver::close).doesNotThrowAnyException();
    assertThatCode(driver::close).as("second close").doesNotThrowAnyException();

    reopen();
    assertThat(driver.exists("base")).isTrue();
    assertThat(driver.exists("top")).isTrue();
    TreeAssert.assertTreesEqual(top, manifestOf("top"), "top after close and reopen");
    checkFile("base", "b", Fixture.bytes("base"));
    assertThatThrownBy(() -> driver.remove("base")).as("parent link kept across a reopen")
        .isInstanceOf(LayerInUseException.class);
    driver.remove("top");
    driver.remove("base");
    assertThat(Arrays.asList(driver.exists("top"), driver.exists("base"))).containsOnly(false);
  }
}
