package org.unionfs.api.layer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.unionfs.api.Change;
import org.unionfs.api.layer.LayerTar;
import org.unionfs.api.layer.WhiteoutFormat;

/**
 * Re-diffs an engine's layer stack with our engine: the base layer as the engine wrote it, then for each
 * later layer {@code writeChanges(changes(tree_i, tree_i-1))} of the trees our apply made. The result
 * is what a peer (dockerd, podman, umoci) must turn back into the engine's own tree.
 */
public final class OurDiffs {
  private OurDiffs() {}

  /** Uncompressed layer tars (bottom first) and their diff_ids. */
  public record Stack(List<Path> tars, List<String> diffIds) {}

  public static Stack build(RealFixtures.Engine e, Path work) throws IOException, InterruptedException {
    List<Path> tars = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Path base = work.resolve("layer0.tar");
    try (InputStream in = e.layers().get(0).openTar()) {
      Files.copy(in, base);
    }
    tars.add(base);
    ids.add(sha256(base));
    Path prev = Files.createDirectory(work.resolve("tree0"));
    try (InputStream in = Files.newInputStream(base)) {
      LayerTar.apply(prev, in, WhiteoutFormat.DELETE);
    }
    for (int i = 1; i < e.layers().size(); i++) {
      Path next = work.resolve("tree" + i);
      Cmd.run("cp", "-a", prev.toString(), next.toString()).ok();
      try (InputStream in = e.layers().get(i).openTar()) {
        LayerTar.apply(next, in, WhiteoutFormat.DELETE);
      }
      List<Change> changes = LayerTar.changes(next, prev);
      Path tar = work.resolve("layer" + i + ".tar");
      try (OutputStream out = Files.newOutputStream(tar)) {
        LayerTar.writeChanges(next, changes, out);
      }
      tars.add(tar);
      ids.add(sha256(tar));
      prev = next;
    }
    return new Stack(tars, ids);
  }

  /** A {@code docker save}-style archive (manifest.json, config, {@code l<i>/layer.tar}) tagged {@code tag}. */
  public static Path dockerArchive(Stack st, String tag, Path work) throws IOException,
      InterruptedException {
    Path dir = Files.createDirectory(work.resolve("docker-archive"));
    List<String> layers = new ArrayList<>();
    for (int i = 0; i < st.tars().size(); i++) {
      Files.createDirectory(dir.resolve("l" + i));
      Files.createLink(dir.resolve("l" + i + "/layer.tar"), st.tars().get(i));
      layers.add("\"l" + i + "/layer.tar\"");
    }
    Path cfg = dir.resolve("config.json");
    Files.writeString(cfg, config(st));
    String cfgName = sha256(cfg).substring(7) + ".json";
    Files.move(cfg, dir.resolve(cfgName));
    Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"" + cfgName + "\",\"RepoTags\":[\""
        + tag + "\"],\"Layers\":[" + String.join(",", layers) + "]}]");
    Path tar = work.resolve("docker-archive.tar");
    Cmd.run("tar", "-C", dir.toString(), "-cf", tar.toString(), ".").ok();
    return tar;
  }

  /** An OCI image layout with uncompressed layers, its manifest named {@code ref} in index.json. */
  public static Path ociLayout(Stack st, String ref, Path work) throws IOException {
    Path dir = Files.createDirectories(work.resolve("oci/blobs/sha256")).getParent().getParent();
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> layers = new ArrayList<>();
    for (Path t : st.tars()) {
      String d = sha256(t);
      Path blob = dir.resolve("blobs/sha256/" + d.substring(7));
      if (!Files.exists(blob)) {
        Files.createLink(blob, t);
      }
      layers.add(descriptor("application/vnd.oci.image.layer.v1.tar", d, Files.size(t)));
    }
    Path cfg = blob(dir, config(st));
    Path man = blob(dir, "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":" + descriptor("application/vnd.oci.image.config.v1+json",
            "sha256:" + cfg.getFileName(), Files.size(cfg))
        + ",\"layers\":[" + String.join(",", layers) + "]}");
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + man.getFileName()
        + "\",\"size\":" + Files.size(man) + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\""
        + ref + "\"}}]}");
    return dir;
  }

  private static String config(Stack st) {
    List<String> ids = new ArrayList<>();
    st.diffIds().forEach(d -> ids.add("\"" + d + "\""));
    return "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"],"
        + "\"Env\":[\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[" + String.join(",", ids) + "]},\"history\":[]}";
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
  }

  private static Path blob(Path dir, String json) throws IOException {
    Path tmp = dir.resolve("blob.tmp");
    Files.writeString(tmp, json);
    Path b = dir.resolve("blobs/sha256/" + sha256(tmp).substring(7));
    Files.move(tmp, b);
    return b;
  }

  /** "sha256:<hex>" of a file. */
  public static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] b = new byte[1 << 16];
      int n;
      while ((n = in.read(b)) > 0) {
        md.update(b, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
