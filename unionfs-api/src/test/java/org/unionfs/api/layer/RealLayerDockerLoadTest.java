package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.layer.testing.Cmd;
import org.unionfs.api.layer.testing.OurDiffs;
import org.unionfs.api.layer.testing.RealFixtures;
import org.unionfs.api.layer.testing.RealFixtures.Engine;
import org.unionfs.api.layer.testing.TreeSnapshot;

/**
 * Our diffs load into a real dockerd (Debian {@code docker.io} 20.10, vfs driver, started by the test
 * with its own data root and socket) and give the engine's own tree: the docker-vfs fixture's layers are
 * applied one by one, each step is diffed again with {@link LayerTar#changes} + {@link
 * LayerTar#writeChanges}, the base layer and our six diffs are {@code docker load}ed as an image, and
 * {@code docker export} of a container of it must equal what docker exported for its own committed image.
 */
class RealLayerDockerLoadTest {
  private static final String DOCKER = "/usr/bin/docker";

  @Test
  void ourDiffsLoadIntoDockerdAndGiveDockersOwnTree(@TempDir Path tmp) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "dockerd needs root");
    assumeTrue(Files.isExecutable(Path.of(DOCKER)) && Cmd.available("dockerd"),
        "Debian docker.io (dockerd 20.10, /usr/bin/docker) is not installed");
    Engine e = RealFixtures.engine("docker-vfs");

    OurDiffs.Stack ours = OurDiffs.build(e, tmp);
    Path archiveTar = OurDiffs.dockerArchive(ours, "unionfs/ours:1", tmp);

    try (Dockerd d = Dockerd.start(Path.of(Files.createTempDirectory("h2dk").toString()))) {
      d.docker("load", "-i", archiveTar.toString());
      d.docker("create", "--name", "ours", "unionfs/ours:1", "/bin/sh");
      Path export = tmp.resolve("export.tar");
      d.docker("export", "-o", export.toString(), "ours");
      Path x = Files.createDirectory(tmp.resolve("x"));
      Cmd.run("tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-xpf", export.toString(),
          "-C", x.toString()).ok();
      TreeSnapshot got = normal(TreeSnapshot.of(x));
      TreeSnapshot want = normal(e.manifest("export-committed.manifest"));
      assertThat(got.diff(want)).as("docker export of our diffs (-) vs docker's own (+)").isEmpty();
    }
  }

  private static TreeSnapshot normal(TreeSnapshot s) {
    return s.without("/"::equals).without(RealFixtures.DOCKER_INIT::contains)
        .withoutMtime(x -> x.path().equals("/etc") || x.path().equals("/dev"));
  }

  /** A private dockerd (vfs) for the test, stopped by its pid; its mounts are cleaned up after. */
  private record Dockerd(Path dir, Process process) implements AutoCloseable {
    static Dockerd start(Path dir) throws Exception {
      Process p = new ProcessBuilder("dockerd", "--data-root", dir + "/root", "--exec-root",
          dir + "/exec", "-H", "unix://" + dir + "/docker.sock", "--pidfile", dir + "/dockerd.pid",
          "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
          "--ip-masq=false").redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile())
          .start();
      Dockerd d = new Dockerd(dir, p);
      for (int i = 0; i < 120; i++) {
        if (Cmd.run(DOCKER, "-H", "unix://" + dir + "/docker.sock", "info").exit() == 0) {
          return d;
        }
        if (!p.isAlive()) {
          break;
        }
        Thread.sleep(500);
      }
      d.close();
      throw new AssertionError("dockerd did not start: " + Files.readString(dir.resolve("dockerd.log")));
    }

    Cmd.Result docker(String... args) throws Exception {
      List<String> argv = new ArrayList<>(List.of(DOCKER, "-H", "unix://" + dir + "/docker.sock"));
      argv.addAll(List.of(args));
      return Cmd.run(argv).ok();
    }

    @Override
    public void close() throws IOException {
      process.destroy(); // SIGTERM: dockerd stops its containerd and unmounts its data root
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
        List<String> mounts = new ArrayList<>(Files.readAllLines(Path.of("/proc/mounts")));
        java.util.Collections.reverse(mounts); // innermost first
        for (String line : mounts) {
          String mnt = line.split(" ")[1];
          if (mnt.startsWith(dir.toString())) {
            Cmd.run("umount", "-l", mnt);
          }
        }
        Cmd.run("rm", "-rf", dir.toString());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
