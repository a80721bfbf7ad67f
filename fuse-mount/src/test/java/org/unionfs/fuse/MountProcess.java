package org.unionfs.fuse;

import java.nio.file.Path;
import java.util.List;
import org.unionfs.api.union.UnionConfig;

/** A mount in a process of its own, for the signal tests: {@code UPPER LOWER MNT}; prints READY. */
public final class MountProcess {
  static final String READY = "READY";

  private MountProcess() {}

  public static void main(String[] args) throws Exception {
    FuseMount m = UnionMount.mount(UnionConfig.of(Path.of(args[0]), List.of(Path.of(args[1]))),
        Path.of(args[2]), MountOptions.parse(List.of(), true));
    System.out.println(READY);
    System.out.flush();
    m.awaitExit();
    m.close();
  }
}
