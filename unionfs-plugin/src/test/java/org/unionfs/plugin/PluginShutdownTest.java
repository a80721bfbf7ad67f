package org.unionfs.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.plugin.PluginFixture.id;
import static org.unionfs.plugin.PluginFixture.init;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.registry.DriverRegistry;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;

/**
 * A stopping server does not wait without bound for a driver that cannot finish closing (a FUSE union
 * still used by a running container's mount namespace): the socket goes, the references stay.
 */
class PluginShutdownTest {
  @TempDir Path dir;

  /** vfs, except that close() blocks until {@code release} opens. */
  private static GraphDriverProvider stuckOnClose(CountDownLatch release) {
    GraphDriverProvider vfs = DriverRegistry.load().provider("vfs").orElseThrow();
    return new GraphDriverProvider() {
      @Override
      public String name() {
        return "vfs";
      }

      @Override
      public Set<DriverCapability> capabilities() {
        return vfs.capabilities();
      }

      @Override
      public Support probe(DriverContext context) {
        return vfs.probe(context);
      }

      @Override
      public GraphDriver open(DriverContext context) throws IOException {
        GraphDriver real = vfs.open(context);
        return (GraphDriver) Proxy.newProxyInstance(GraphDriver.class.getClassLoader(),
            new Class<?>[] {GraphDriver.class}, (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                release.await(60, TimeUnit.SECONDS);
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }
    };
  }

  @Test
  void aDriverThatCannotFinishClosingDelaysTheStopOnlyByTheBound() throws IOException {
    CountDownLatch release = new CountDownLatch(1);
    PluginServerConfig config = PluginFixture.config("vfs", dir);
    PluginServer server = PluginServer.start(config, new DriverRegistry(List.of(stuckOnClose(release))));
    server.driverCloseWait(300);
    try {
      RawHttp http = RawHttp.unix(config.socket());
      assertThat(http.post("/GraphDriver.Init", init(dir.resolve("root/unionfs-vfs"))).status()).isEqualTo(200);
      assertThat(http.post("/GraphDriver.Create", id("a")).status()).isEqualTo(200);
      assertThat(http.post("/GraphDriver.Get", id("a")).status()).isEqualTo(200);
      long start = System.nanoTime();
      server.close();
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(tookMs).as("close waited for the bound, not for the driver").isBetween(250L, 5_000L);
      assertThat(server.driverStillClosing()).isTrue();
      assertThat(Files.exists(config.socket())).as("socket removed").isFalse();
      assertThat(config.referencesFile()).as("dockerd's references kept").isRegularFile();
      assertThat(config.stateFile()).isRegularFile();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aDriverThatClosesInTimeIsWaitedFor() throws IOException {
    CountDownLatch release = new CountDownLatch(0);
    PluginServerConfig config = PluginFixture.config("vfs", dir);
    PluginServer server = PluginServer.start(config, new DriverRegistry(List.of(stuckOnClose(release))));
    RawHttp http = RawHttp.unix(config.socket());
    assertThat(http.post("/GraphDriver.Init", init(dir.resolve("root/unionfs-vfs"))).status()).isEqualTo(200);
    server.close();
    assertThat(server.driverStillClosing()).isFalse();
    assertThat(Files.exists(config.socket())).isFalse();
  }
}
