package org.unionfs.driver.vfs;

import java.util.Map;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.spi.DriverOptions;

/**
 * The vfs driver's options, as moby's vfs {@code parseOptions} accepts them: only {@code size}, the
 * default size limit of every read-write layer ("50M", binary multiples; 0 = none).
 *
 * @param defaultSize bytes, 0 for no limit
 */
record VfsOptions(long defaultSize) {
  static final String SIZE = "size";

  static VfsOptions parse(Map<String, String> options) throws InvalidArgumentException {
    DriverOptions o = DriverOptions.of("vfs", options);
    long size = o.size(SIZE, 0);
    o.requireAllUsed();
    return new VfsOptions(size);
  }

  /**
   * The size limit for a new layer from its storage options ({@code size} only, and only on read-write
   * layers, as moby), else the driver's default for read-write layers.
   */
  long layerSize(String id, Map<String, String> storageOptions, boolean readWrite)
      throws InvalidArgumentException {
    DriverOptions o = DriverOptions.of("vfs: layer " + id + ": storage", storageOptions);
    String given = o.string(SIZE, null);
    o.requireAllUsed();
    if (given == null) {
      return readWrite ? defaultSize : 0;
    }
    if (!readWrite) {
      throw new InvalidArgumentException("vfs: layer " + id
          + ": storage option size is only supported on read-write layers (as in moby's vfs)");
    }
    return o.size(SIZE, 0);
  }
}
