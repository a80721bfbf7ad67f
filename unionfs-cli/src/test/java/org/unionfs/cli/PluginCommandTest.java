package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unionfs plugin serve}: its arguments, and that it really serves the protocol on the socket. */
class PluginCommandTest {
  @TempDir
  Path tmp;

  @Test
  void serve_withoutDriver_isAUsageError() {
    Cli.Result r = new Cli(tmp.resolve("home"), null).run("plugin", "serve", "--socket", tmp.resolve("s").toString());
    assertThat(r.exit()).isEqualTo(Main.USAGE);
    assertThat(r.stderr()).contains("plugin serve needs --driver NAME").doesNotContain("\n\n");
  }

  @Test
  void plugin_withoutSubcommand_isAUsageError() {
    Cli.Result r = new Cli(tmp.resolve("home"), "vfs").run("plugin");
    assertThat(r.exit()).isEqualTo(Main.USAGE);
  }

  @Test
  void serve_answersActivateOnItsSocket() throws Exception {
    Path socket = tmp.resolve("p.sock");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<Cli.Result> served = pool.submit(() -> new Cli(tmp.resolve("home"), "vfs")
        .run("plugin", "serve", "--socket", socket.toString()));
    try {
      for (int i = 0; i < 200 && !Files.exists(socket); i++) {
        assertThat(served.isDone()).as("server exited early: %s", served.isDone() ? served.get() : "").isFalse();
        Thread.sleep(50);
      }
      assertThat(socket).exists();
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(socket));
        OutputStream out = Channels.newOutputStream(ch);
        out.write(("POST /Plugin.Activate HTTP/1.1\r\nHost: \r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).startsWith("HTTP/1.1 200").contains("{\"Implements\":[\"GraphDriver\"]}");
      }
    } finally {
      served.cancel(true);
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
