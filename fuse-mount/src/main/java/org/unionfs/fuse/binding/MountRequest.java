package org.unionfs.fuse.binding;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A mount described as data: where, with which libfuse options, and how the loop runs. Performed by
 * {@link FuseBinding#start}; nothing here touches the system.
 *
 * @param mountPoint an existing directory (absolute)
 * @param options libfuse {@code -o} options, each "name" or "name=value"
 * @param fsName the source column of the mount table
 * @param singleThreaded serve requests on one thread ({@code -s})
 * @param debug libfuse debug output ({@code -d})
 */
public record MountRequest(Path mountPoint, List<String> options, String fsName,
    boolean singleThreaded, boolean debug) {

  public MountRequest {
    Objects.requireNonNull(mountPoint, "mountPoint");
    if (!mountPoint.isAbsolute()) {
      throw new IllegalArgumentException("mount point must be absolute: " + mountPoint);
    }
    options = List.copyOf(options);
    for (String o : options) {
      if (o.isEmpty() || o.contains(",")) {
        throw new IllegalArgumentException("bad FUSE option: '" + o + "'");
      }
    }
    Objects.requireNonNull(fsName, "fsName");
    if (fsName.isEmpty() || fsName.contains(",")) {
      throw new IllegalArgumentException("bad fs name: '" + fsName + "'");
    }
  }

  /** The argument vector libfuse's {@code fuse_main} gets: name, -f, [-s], [-d], mount point, -o options. */
  public List<String> argv() {
    List<String> argv = new java.util.ArrayList<>();
    argv.add(fsName);
    argv.add("-f");
    if (singleThreaded) {
      argv.add("-s");
    }
    if (debug) {
      argv.add("-d");
    }
    argv.add(mountPoint.toString());
    if (!options.isEmpty()) {
      argv.add("-o");
      argv.add(String.join(",", options));
    }
    return List.copyOf(argv);
  }
}
