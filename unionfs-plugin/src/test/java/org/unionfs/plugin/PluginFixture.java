package org.unionfs.plugin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.unionfs.api.registry.DriverRegistry;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.Support;

/** Shared pieces of the protocol tests: a server on a temp socket, layer tars, JSON request bodies. */
final class PluginFixture {
  private PluginFixture() {}

  /**
   * Every driver the plugin is proven with (here and in {@link DockerPluginIT}); each must be on the test
   * class path. A new driver joins with one line here and its test dependency in the pom.
   */
  static final List<String> DRIVERS = List.of("vfs", "overlay2", "aufs", "devicemapper");

  static PluginServerConfig config(String driver, Path dir) {
    return PluginServerConfig.defaults(driver)
        .withSocket(dir.resolve("p.sock"), dir.resolve("p.state.json"));
  }

  /** Why {@code driver} cannot run here, or null if it can (probe under {@code dir}). */
  static String unsupported(String driver, Path dir) {
    Support s = DriverRegistry.load().provider(driver)
        .orElseThrow(() -> new AssertionError("driver " + driver + " is not on the test class path"))
        .probe(new DriverContext(dir.resolve("probe").resolve(driver), Map.of()));
    return s.supported() ? null : driver + " not supported here: " + s.reason();
  }

  /**
   * How many mounts lie at {@code path} or above it, up to {@code under} (exclusive): a driver's Dir may
   * be a mount point (overlay2, aufs) or a directory inside one (devicemapper's {@code mnt/<id>/rootfs}).
   */
  static long mountCount(Path under, String path) throws IOException {
    String root = under.toString() + "/";
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(l -> l.split(" ")[4])
        .filter(mp -> mp.startsWith(root) && (path.equals(mp) || path.startsWith(mp + "/")))
        .count();
  }

  static String init(Path home) {
    return "{\"Home\":\"" + home + "\",\"Opts\":null,\"UIDMaps\":null,\"GIDMaps\":null}";
  }

  static String id(String id) {
    return "{\"ID\":\"" + id + "\"}";
  }

  static String idParent(String id, String parent) {
    return "{\"ID\":\"" + id + "\",\"Parent\":\"" + parent + "\"}";
  }

  /** A base layer: bin/sh (100 bytes), etc/hostname, etc/link -> hostname. Tar entry sizes sum to 106. */
  static byte[] baseTar() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      dir(tar, "bin/");
      file(tar, "bin/sh", "#".repeat(100));
      dir(tar, "etc/");
      file(tar, "etc/hostname", "base\n");
      TarArchiveEntry link = new TarArchiveEntry("etc/link", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("hostname");
      link.setModTime(1_700_000_000_000L);
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      file(tar, "etc/x", "x");
      tar.finish();
      // dockerd may send bytes after the end-of-archive blocks (below); the server must consume them.
    }
    bytes.write(new byte[2048]);
    return bytes.toByteArray();
  }

  static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(040755);
    e.setModTime(1_700_000_000_000L);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100644);
    e.setSize(data.length);
    e.setModTime(1_700_000_000_000L);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** The entry names of a tar, in order. */
  static List<String> names(byte[] tarBytes) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tarBytes))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }
}
