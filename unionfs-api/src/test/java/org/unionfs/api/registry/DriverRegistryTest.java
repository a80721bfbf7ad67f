package org.unionfs.api.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.DriverStatus;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;

class DriverRegistryTest {

  /** A provider whose probe answer is fixed and whose driver only records the context it was opened with. */
  private record FakeProvider(String name, Support support) implements GraphDriverProvider {
    @Override
    public Set<DriverCapability> capabilities() {
      return Set.of();
    }

    @Override
    public Support probe(DriverContext context) {
      return support;
    }

    @Override
    public GraphDriver open(DriverContext context) throws IOException {
      Files.createDirectories(context.home());
      return new OpenedDriver(name, context);
    }
  }

  private record OpenedDriver(String name, DriverContext context) implements GraphDriver {
    public Set<DriverCapability> capabilities() { return Set.of(); }
    public void create(String id, String parent, CreateOptions o) { throw new UnsupportedOperationException(); }
    public void createReadWrite(String id, String parent, CreateOptions o) { throw new UnsupportedOperationException(); }
    public void remove(String id) { throw new UnsupportedOperationException(); }
    public boolean exists(String id) { return false; }
    public Path get(String id, String label) { throw new UnsupportedOperationException(); }
    public void put(String id) { throw new UnsupportedOperationException(); }
    public DriverStatus status() { return DriverStatus.empty(); }
    public Map<String, String> metadata(String id) { return Map.of(); }
    public void close() {}
    public InputStream diff(String id, String parent) { throw new UnsupportedOperationException(); }
    public List<Change> changes(String id, String parent) { throw new UnsupportedOperationException(); }
    public long applyDiff(String id, String parent, InputStream tar) { throw new UnsupportedOperationException(); }
    public long diffSize(String id, String parent) { throw new UnsupportedOperationException(); }
  }

  private static final Support NO_OVERLAY = Support.notSupported("overlay not in /proc/filesystems");

  @Test
  void openDefault_takesFirstSupportedInPriorityOrder(@TempDir Path root) throws Exception {
    DriverRegistry registry = new DriverRegistry(List.of(
        new FakeProvider("vfs", Support.yes()), new FakeProvider("overlay2", NO_OVERLAY),
        new FakeProvider("aufs", Support.yes())));
    try (GraphDriver d = registry.openDefault(root, Map.of("k", "v"))) {
      assertThat(d.name()).isEqualTo("aufs");
      assertThat(((OpenedDriver) d).context().home()).isEqualTo(root.resolve("aufs"));
      assertThat(((OpenedDriver) d).context().options()).containsEntry("k", "v");
    }
  }

  @Test
  void openDefault_prefersPriorState(@TempDir Path root) throws Exception {
    DriverRegistry registry = new DriverRegistry(List.of(
        new FakeProvider("vfs", Support.yes()), new FakeProvider("overlay2", Support.yes())));
    Files.createDirectories(root.resolve("vfs/dir/layer1"));
    Files.createDirectories(root.resolve("overlay2")); // empty: no state
    assertThat(registry.choose(root, Map.of())).isEqualTo("vfs");
  }

  @Test
  void openDefault_refusesToGuessBetweenSeveralPriorDrivers(@TempDir Path root) throws Exception {
    DriverRegistry registry = new DriverRegistry(List.of(
        new FakeProvider("vfs", Support.yes()), new FakeProvider("overlay2", Support.yes())));
    Files.createDirectories(root.resolve("vfs/dir"));
    Files.createDirectories(root.resolve("overlay2/l"));
    assertThatThrownBy(() -> registry.openDefault(root, Map.of()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("overlay2, vfs");
  }

  @Test
  void openDefault_withNothingSupported_listsEveryReason(@TempDir Path root) {
    DriverRegistry registry = new DriverRegistry(List.of(new FakeProvider("overlay2", NO_OVERLAY)));
    assertThatThrownBy(() -> registry.openDefault(root, Map.of()))
        .isInstanceOf(NotSupportedException.class)
        .hasMessageContaining("overlay2: overlay not in /proc/filesystems")
        .hasMessageContaining("vfs: not on the class path");
  }

  @Test
  void open_byName_checksTheProbe(@TempDir Path root) {
    DriverRegistry registry = new DriverRegistry(List.of(new FakeProvider("overlay2", NO_OVERLAY)));
    assertThatThrownBy(() -> registry.open("overlay2", root, Map.of()))
        .isInstanceOf(NotSupportedException.class).hasMessageContaining("overlay not in /proc/filesystems");
    assertThatThrownBy(() -> registry.open("zfs", root, Map.of()))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("unknown storage driver \"zfs\"");
  }

  @Test
  void probeAll_listsPriorityDriversEvenWhenMissing(@TempDir Path root) {
    DriverRegistry registry = new DriverRegistry(List.of(
        new FakeProvider("vfs", Support.yes()), new FakeProvider("extra", Support.yes())));
    assertThat(registry.probeAll(root, Map.of()))
        .extracting(DriverRegistry.ProbeResult::name)
        .containsExactly("overlay2", "aufs", "devicemapper", "vfs", "extra");
    assertThat(registry.probeAll(root, Map.of()).get(0).installed()).isFalse();
  }

  @Test
  void duplicateNames_areRefused() {
    assertThatThrownBy(() -> new DriverRegistry(List.of(
        new FakeProvider("vfs", Support.yes()), new FakeProvider("vfs", Support.yes()))))
        .hasMessageContaining("two providers named vfs");
  }
}
