package org.unionfs.api.layer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The real-engine fixtures under {@code src/test/resources/layers/real} (made by its RECIPE.sh): per
 * engine a {@code layers.txt} (diff_id and gzip file of each layer, bottom first; the last one is the
 * committed container's layer) and manifests of what the engine itself produced.
 */
public final class RealFixtures {
  private RealFixtures() {}

  /** One engine's directory. */
  public record Engine(String name, Path dir, List<Layer> layers) {
    /** The image's layers (all but the committed container's layer). */
    public List<Layer> imageLayers() {
      return layers.subList(0, layers.size() - 1);
    }

    public TreeSnapshot manifest(String file) throws IOException {
      return TreeSnapshot.parse(Files.readString(dir.resolve(file), StandardCharsets.UTF_8));
    }

    public boolean has(String file) {
      return Files.exists(dir.resolve(file));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** One layer tar (gzip-compressed on disk) and the diff_id the engine recorded for it. */
  public record Layer(String diffId, Path gz) {
    /** The uncompressed tar, as the engine wrote it. */
    public InputStream openTar() throws IOException {
      return new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
    }

    /** The gzip file itself (for the engine's own gzip detection). */
    public InputStream openGzip() throws IOException {
      return Files.newInputStream(gz);
    }

    /** sha256 of the uncompressed tar, "sha256:..." like a diff_id. */
    public String digest() throws IOException {
      try (InputStream in = new DigestInputStream(openTar(), MessageDigest.getInstance("SHA-256"))) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
        return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static final List<String> ENGINES =
      List.of("docker-overlay2", "docker-vfs", "buildah-overlay", "umoci");

  public static Path root() {
    try {
      return Path.of(RealFixtures.class.getResource("/layers/real/Dockerfile").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Engine engine(String name) throws IOException {
    Path dir = root().resolve(name);
    List<Layer> layers = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("layers.txt"))) {
      if (!line.isBlank()) {
        String[] f = line.split(" ");
        layers.add(new Layer(f[0], dir.resolve(f[1]).normalize()));
      }
    }
    return new Engine(name, dir, layers);
  }

  /**
   * docker's init layer ({@code moby daemon/initlayer}): what {@code docker export} shows that no image
   * layer holds, so a layer application cannot produce it.
   */
  public static final Set<String> DOCKER_INIT = Set.of("/.dockerenv", "/etc/hostname", "/etc/hosts",
      "/etc/resolv.conf", "/etc/mtab", "/dev/console", "/dev/pts", "/dev/shm");
}
