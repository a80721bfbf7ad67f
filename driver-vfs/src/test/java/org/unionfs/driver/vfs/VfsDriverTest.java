package org.unionfs.driver.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.unionfs.driver.vfs.VfsFixtures.homeState;
import static org.unionfs.driver.vfs.VfsFixtures.open;
import static org.unionfs.driver.vfs.VfsFixtures.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.fs.TreeSnapshot;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.registry.DriverRegistry;

/** The vfs driver on the test machine's own filesystem (no reflink, no project quotas there). */
class VfsDriverTest {
  @TempDir Path tmp;

  private Path home() {
    return tmp.resolve("vfs");
  }

  @Test
  void layout_isDockersDirPerLayer() throws Exception {
    try (GraphDriver d = open(home())) {
      d.create("empty", null, CreateOptions.NONE);
      Path p = d.get("empty", "");
      assertThat(p).isEqualTo(home().resolve("dir/empty"));
      FileStat st = Posix.get().lstat(p);
      assertThat(st.permissions()).isEqualTo(0755);
      assertThat(st.isDirectory()).isTrue();
      try (var ds = Files.newDirectoryStream(p)) {
        assertThat(ds.iterator().hasNext()).isFalse();
      }
      assertThat(Posix.get().lstat(home()).permissions()).isEqualTo(0710);
      assertThat(Posix.get().lstat(home().resolve("dir")).permissions()).isEqualTo(0710);
      d.put("empty");
      assertThat(d.exists("empty")).isTrue();
      assertThat(d.name()).isEqualTo("vfs");
    }
  }

  @Test
  void create_childIsAnExactCopyOfItsParent() throws Exception {
    try (GraphDriver d = open(home())) {
      d.createReadWrite("base", "", CreateOptions.NONE);
      VfsFixtures.fill(d.get("base", ""));
      d.put("base");
      d.create("child", "base", CreateOptions.NONE);
      d.createReadWrite("grandchild", "child", null);

      TreeSnapshot base = snapshot(home().resolve("dir/base"));
      assertThat(base.differences(snapshot(home().resolve("dir/child")))).isEmpty();
      assertThat(base.differences(snapshot(home().resolve("dir/grandchild")))).isEmpty();
      // a copy, not a shared tree
      Files.writeString(d.get("grandchild", "").resolve("a file"), "changed");
      assertThat(Files.readString(home().resolve("dir/base/a file"))).isEqualTo("Some data");
      assertThat(Files.readString(home().resolve("dir/child/hardlink"))).isEqualTo("Some data");
      d.put("grandchild");
    }
  }

  @Test
  void capabilities_onAFilesystemWithoutReflinkOrQuota() throws Exception {
    try (GraphDriver d = open(home())) {
      assertThat(d.capabilities()).contains(DriverCapability.XATTRS)
          .doesNotContain(DriverCapability.COPY_ON_WRITE, DriverCapability.QUOTA);
      assertThat(d.status().entries()).isEmpty();
      d.create("x", null, CreateOptions.NONE);
      assertThat(d.metadata("x")).isEmpty();
    }
  }

  @Test
  void badIds_areRefusedAndChangeNothing() throws Exception {
    try (GraphDriver d = open(home())) {
      d.create("ok", null, CreateOptions.NONE);
      TreeSnapshot before = homeState(home());
      for (String bad : new String[] {"", "../escape", "a/b", ".hidden", "-dash", "x".repeat(256), "sp ace",
          "nul\0"}) {
        assertThatThrownBy(() -> d.create(bad, null, CreateOptions.NONE))
            .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("invalid layer id");
        if (!bad.isEmpty()) { // "" is Docker's "no parent"
          assertThatThrownBy(() -> d.createReadWrite("fine", bad, CreateOptions.NONE))
              .isInstanceOf(InvalidArgumentException.class);
        }
        assertThatThrownBy(() -> d.get(bad, "")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> d.put(bad)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> d.remove(bad)).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> d.metadata(bad)).isInstanceOf(InvalidArgumentException.class);
        assertThat(d.exists(bad)).isFalse();
      }
      assertThatThrownBy(() -> d.create("self", "self", CreateOptions.NONE))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("self");
      assertThat(before.differences(homeState(home()))).isEmpty();
      assertThat(tmp.resolve("escape")).doesNotExist();
    }
  }

  @Test
  void options_unknownKeysAreRefusedByName() throws Exception {
    assertThatThrownBy(() -> open(home(), Map.of("vfs.sise", "1G")))
        .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("vfs.sise");
    assertThat(new VfsDriverProvider().probe(
        new org.unionfs.api.spi.DriverContext(home(), Map.of("bogus", "1"))).supported()).isFalse();
    assertThat(home()).as("a refused open leaves no home behind").doesNotExist();
    try (GraphDriver d = open(home())) {
      d.create("base", null, CreateOptions.NONE);
      TreeSnapshot before = homeState(home());
      assertThatThrownBy(() -> d.createReadWrite("c", "base",
          CreateOptions.withStorageOptions(Map.of("inodes", "10"))))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("\"inodes\"");
      assertThatThrownBy(() -> d.create("c", "base", CreateOptions.withStorageOptions(Map.of("size", "1G"))))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("read-write");
      assertThatThrownBy(() -> d.createReadWrite("c", "base",
          CreateOptions.withStorageOptions(Map.of("size", "ten"))))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("size");
      assertThat(before.differences(homeState(home()))).isEmpty();
    }
  }

  @Test
  void size_withoutProjectQuotasIsNotSupportedWithTheReason() throws Exception {
    assertThatThrownBy(() -> open(home(), Map.of("size", "50M")))
        .isInstanceOf(NotSupportedException.class).hasMessageContaining("pquota");
    try (GraphDriver d = open(home())) {
      TreeSnapshot before = homeState(home());
      assertThatThrownBy(() -> d.createReadWrite("c", null,
          CreateOptions.withStorageOptions(Map.of("size", "50M"))))
          .isInstanceOf(NotSupportedException.class).hasMessageContaining("c")
          .hasMessageContaining("xfs");
      assertThat(before.differences(homeState(home()))).isEmpty();
      assertThat(d.exists("c")).isFalse();
    }
  }

  @Test
  void create_refusesMissingParentAndExistingId() throws Exception {
    try (GraphDriver d = open(home())) {
      d.create("a", null, CreateOptions.NONE);
      TreeSnapshot before = homeState(home());
      assertThatThrownBy(() -> d.create("b", "nope", CreateOptions.NONE))
          .isInstanceOf(LayerNotFoundException.class).hasMessageContaining("nope").hasMessageContaining("b");
      assertThatThrownBy(() -> d.createReadWrite("a", null, CreateOptions.NONE))
          .isInstanceOf(LayerExistsException.class).hasMessageContaining("a");
      assertThat(before.differences(homeState(home()))).isEmpty();
      assertThat(d.exists("b")).isFalse();
    }
  }

  @Test
  void remove_refusesLayersWithChildrenOrHeld() throws Exception {
    try (GraphDriver d = open(home())) {
      d.create("p", null, CreateOptions.NONE);
      d.create("c1", "p", CreateOptions.NONE);
      d.createReadWrite("c2", "p", CreateOptions.NONE);
      TreeSnapshot before = homeState(home());
      assertThatThrownBy(() -> d.remove("p"))
          .isInstanceOf(LayerInUseException.class).hasMessageContaining("p").hasMessageContaining("c1, c2");
      assertThat(before.differences(homeState(home()))).isEmpty();

      d.get("c2", "");
      d.get("c2", "");
      assertThatThrownBy(() -> d.remove("c2")).isInstanceOf(LayerInUseException.class)
          .hasMessageContaining("c2");
      d.put("c2");
      assertThatThrownBy(() -> d.remove("c2")).isInstanceOf(LayerInUseException.class);
      d.put("c2");
      d.remove("c2");
      d.remove("c1");
      d.remove("p");
      assertThat(d.exists("p")).isFalse();
      assertThatThrownBy(() -> d.remove("p")).isInstanceOf(LayerNotFoundException.class);
      try (var ds = Files.newDirectoryStream(home().resolve("dir"))) {
        assertThat(ds.iterator().hasNext()).isFalse();
      }
      try (var ds = Files.newDirectoryStream(home().resolve("meta"))) {
        assertThat(ds.iterator().hasNext()).isFalse();
      }
      try (var ds = Files.newDirectoryStream(home().resolve("tmp"))) {
        assertThat(ds.iterator().hasNext()).isFalse();
      }
    }
  }

  @Test
  void put_withoutGetIsAnError() throws Exception {
    try (GraphDriver d = open(home())) {
      d.create("l", null, CreateOptions.NONE);
      assertThatThrownBy(() -> d.put("l")).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("l").hasMessageContaining("without a matching get");
      assertThatThrownBy(() -> d.put("ghost")).isInstanceOf(LayerNotFoundException.class);
      assertThatThrownBy(() -> d.get("ghost", "")).isInstanceOf(LayerNotFoundException.class);
      assertThatThrownBy(() -> d.metadata("ghost")).isInstanceOf(LayerNotFoundException.class);
      try (var m = d.mount("l", "")) {
        assertThat(m.path()).isEqualTo(home().resolve("dir/l"));
      }
      assertThatThrownBy(() -> d.put("l")).isInstanceOf(InvalidArgumentException.class);
    }
  }

  @Test
  void create_thatFailsMidCopyLeavesNoTrace() throws Exception {
    try (GraphDriver d = open(home())) {
      d.createReadWrite("deep", null, CreateOptions.NONE);
      // A path that fits under dir/deep but not under the longer tmp/create-... name: ENAMETOOLONG
      // halfway through the copy, after part of the tree has been written.
      Path p = d.get("deep", "");
      Files.writeString(p.resolve("copied first"), "x");
      String name = "n".repeat(200);
      Path deep = p;
      while (deep.toString().length() + 1 + name.length() <= 4080) {
        deep = deep.resolve(name);
      }
      deep = deep.resolve("m".repeat(4090 - deep.toString().length() - 1)); // 4090 of PATH_MAX 4096
      Files.createDirectories(deep);
      d.put("deep");
      TreeSnapshot before = homeState(home());

      assertThatThrownBy(() -> d.create("child", "deep", CreateOptions.NONE))
          .isInstanceOf(java.io.IOException.class).hasMessageContaining("File name too long");

      assertThat(d.exists("child")).isFalse();
      assertThat(before.differences(homeState(home()))).isEmpty();
      try (var ds = Files.newDirectoryStream(home().resolve("tmp"))) {
        assertThat(ds.iterator().hasNext()).as("the half-built copy is gone").isFalse();
      }
      d.create("child", null, CreateOptions.NONE); // the id is free
    }
  }

  @Test
  void open_recoversFromInterruptedCreatesAndRemoves() throws Exception {
    try (GraphDriver d = open(home())) {
      d.create("kept", null, CreateOptions.NONE);
    }
    // what a process killed mid-create leaves: a temp tree (dead pid) and maybe a record without a layer
    Path dead = Files.createDirectories(home().resolve("tmp/create-999999999-1-abc/usr/bin"));
    Files.writeString(dead.resolve("half"), "half a layer");
    Files.writeString(home().resolve("meta/orphan"), "parent=kept\nkind=ro\nsize=0\n");
    Path live = Files.createDirectories(
        home().resolve("tmp/create-" + ProcessHandle.current().pid() + "-7-abc"));

    try (GraphDriver d = open(home())) {
      assertThat(home().resolve("tmp/create-999999999-1-abc")).doesNotExist();
      assertThat(home().resolve("meta/orphan")).doesNotExist();
      assertThat(live).as("a live process's work is left alone").exists();
      assertThat(d.exists("orphan")).isFalse();
      d.remove("kept"); // the orphan record no longer counts as a child
    }
  }

  @Test
  void open_acceptsAHomeWrittenByDocker() throws Exception {
    Path layer = Files.createDirectories(home().resolve("dir/0123abcd/etc"));
    Files.writeString(layer.resolve("hostname"), "docker");
    try (GraphDriver d = open(home())) {
      assertThat(d.exists("0123abcd")).isTrue();
      d.create("child", "0123abcd", CreateOptions.NONE);
      assertThat(Files.readString(d.get("child", "").resolve("etc/hostname"))).isEqualTo("docker");
      d.put("child");
      assertThatThrownBy(() -> d.remove("0123abcd")).isInstanceOf(LayerInUseException.class);
    }
  }

  @Test
  void concurrentCallsOnDifferentLayersAndTheSameLayer() throws Exception {
    try (GraphDriver d = open(home())) {
      d.createReadWrite("base", null, CreateOptions.NONE);
      VfsFixtures.fill(d.get("base", ""));
      d.put("base");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          String id = "c" + i;
          fs.add(pool.submit(() -> {
            d.create(id, "base", CreateOptions.NONE);
            d.get(id, "");
            d.put(id);
            return null;
          }));
        }
        // the same id from several threads: exactly one create wins
        List<Future<Boolean>> same = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          same.add(pool.submit(() -> {
            try {
              d.create("same", "base", CreateOptions.NONE);
              return true;
            } catch (LayerExistsException e) {
              return false;
            }
          }));
        }
        for (Future<?> f : fs) {
          f.get();
        }
        int wins = 0;
        for (Future<Boolean> f : same) {
          wins += f.get() ? 1 : 0;
        }
        assertThat(wins).isEqualTo(1);
      } finally {
        pool.shutdown();
      }
      TreeSnapshot base = snapshot(home().resolve("dir/base"));
      for (int i = 0; i < 16; i++) {
        assertThat(base.differences(snapshot(home().resolve("dir/c" + i)))).isEmpty();
      }
    }
  }

  @Test
  void registry_findsVfsByName() throws Exception {
    DriverRegistry registry = DriverRegistry.load();
    try (GraphDriver d = registry.open("vfs", tmp, Map.of())) {
      assertThat(d.name()).isEqualTo("vfs");
      d.create("r", null, CreateOptions.NONE);
      assertThat(tmp.resolve("vfs/dir/r")).isDirectory();
    }
  }
}
