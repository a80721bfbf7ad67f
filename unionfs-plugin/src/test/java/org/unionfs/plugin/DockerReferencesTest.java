package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;

/** The reference file's edge cases, against a scripted driver that records what it is asked. */
class DockerReferencesTest {
  @TempDir Path dir;

  /** A driver whose layers are {@code existing}; get fails for the layers in {@code unmountable}. */
  private static GraphDriver driver(List<String> calls, Set<String> existing, Set<String> unmountable) {
    return (GraphDriver) Proxy.newProxyInstance(GraphDriver.class.getClassLoader(),
        new Class<?>[] {GraphDriver.class}, (proxy, method, args) -> {
          String id = args != null && args.length > 0 ? (String) args[0] : null;
          calls.add(method.getName() + " " + id);
          return switch (method.getName()) {
            case "exists" -> existing.contains(id);
            case "get" -> {
              if (unmountable.contains(id)) {
                throw new IOException("mount of " + id + " failed");
              }
              yield Path.of("/mnt", id);
            }
            case "put" -> {
              if (!existing.contains(id)) {
                throw new InvalidArgumentException("put " + id + ": not acquired");
              }
              yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
          };
        });
  }

  @Test
  void countsArePersistedAndTakenAgainByTheNextServer() throws IOException {
    Path file = dir.resolve("p.refs.json");
    List<String> calls = new ArrayList<>();
    GraphDriver d = driver(calls, Set.of("a", "b"), Set.of());
    DockerReferences first = new DockerReferences(file);
    assertThat(first.get(d, "a", "")).isEqualTo(Path.of("/mnt/a"));
    first.get(d, "a", "");
    first.get(d, "b", "");
    first.put(d, "b");
    assertThat(first.counts()).isEqualTo(Map.of("a", 2));
    assertThat(Files.readString(file)).isEqualTo("{\"a\":{\"count\":2,\"mountLabel\":\"\"}}");
    first.driverClosed();

    calls.clear();
    DockerReferences second = new DockerReferences(file);
    assertThat(second.reacquire(d)).isEqualTo(2);
    assertThat(calls).containsExactly("exists a", "get a", "get a");
    second.put(d, "a");
    second.put(d, "a");
    assertThat(calls).endsWith("put a", "put a");
    assertThat(file).doesNotExist();
  }

  @Test
  void aLayerGoneIsDroppedAndOneThatCannotBeMountedIsCountedOffWithoutTheDriver() throws IOException {
    Path file = dir.resolve("p.refs.json");
    Files.writeString(file, "{\"gone\":{\"count\":1,\"mountLabel\":\"\"},"
        + "\"stuck\":{\"count\":2,\"mountLabel\":\"\"}}");
    List<String> calls = new ArrayList<>();
    GraphDriver d = driver(calls, Set.of("stuck"), Set.of("stuck"));
    DockerReferences refs = new DockerReferences(file);
    assertThat(refs.reacquire(d)).isZero();
    assertThat(refs.counts()).isEqualTo(Map.of("stuck", 2));
    calls.clear();
    refs.put(d, "stuck");
    refs.put(d, "stuck");
    assertThat(calls).as("the driver holds none of them").isEmpty();
    assertThat(file).doesNotExist();
    // With no reference counted, a Put is the driver's to answer.
    refs.put(d, "stuck");
    assertThat(calls).containsExactly("put stuck");
    assertThatThrownBy(() -> refs.put(d, "gone")).isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("gone");
  }

  @Test
  void aFailedGetCountsNothing() throws IOException {
    Path file = dir.resolve("p.refs.json");
    List<String> calls = new ArrayList<>();
    GraphDriver d = driver(calls, Set.of("x"), Set.of("x"));
    DockerReferences refs = new DockerReferences(file);
    assertThatThrownBy(() -> refs.get(d, "x", "")).isInstanceOf(IOException.class).hasMessageContaining("x");
    assertThat(refs.counts()).isEmpty();
    assertThat(file).doesNotExist();
  }

  @Test
  void forgetDeletesTheFile() throws IOException {
    Path file = dir.resolve("p.refs.json");
    GraphDriver d = driver(new ArrayList<>(), Set.of("a"), Set.of());
    DockerReferences refs = new DockerReferences(file);
    refs.get(d, "a", "");
    assertThat(file).isRegularFile();
    refs.forget();
    assertThat(file).doesNotExist();
    assertThat(refs.counts()).isEmpty();
  }

  @Test
  void theFileSitsBesideTheStateFile() {
    assertThat(PluginServerConfig.defaults("aufs").referencesFile())
        .isEqualTo(Path.of("/run/docker/plugins/unionfs-aufs.refs.json"));
    assertThat(PluginFixture.config("vfs", Path.of("/t")).referencesFile()).isEqualTo(Path.of("/t/p.refs.json"));
  }
}
