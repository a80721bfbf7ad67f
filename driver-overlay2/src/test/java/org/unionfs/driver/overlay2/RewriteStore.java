package org.unionfs.driver.overlay2;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.spi.DriverContext;

/**
 * Used once by {@code docker-20.10-store/dockerd-on-our-store.sh}: rewrites a Docker overlay2 store
 * with this driver. Each layer of {@code layers.txt} ("role id parent") is created in the new home
 * with the same id and parent and filled by applyDiff of its diff read from the old home, so the new
 * store holds Docker's layers written entirely by this driver (new link ids, our lower files).
 *
 * <p>Arguments: old home, new home, layers.txt.
 */
public final class RewriteStore {
  private RewriteStore() {}

  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8);
    try (GraphDriver from = new Overlay2DriverProvider().open(DriverContext.of(Path.of(args[0])));
        GraphDriver to = new Overlay2DriverProvider().open(DriverContext.of(Path.of(args[1])))) {
      for (String line : lines) {
        String[] f = line.split(" ");
        String id = f[1];
        String parent = f[2].equals("-") ? null : f[2];
        boolean container = f[0].startsWith("c");
        if (container) {
          to.createReadWrite(id, parent, CreateOptions.NONE);
        } else {
          to.create(id, parent, CreateOptions.NONE);
        }
        long size;
        try (InputStream diff = from.diff(id, parent)) {
          size = to.applyDiff(id, parent, diff);
        }
        System.out.println(f[0] + " " + id + " applied " + size + " bytes");
      }
    }
  }
}
