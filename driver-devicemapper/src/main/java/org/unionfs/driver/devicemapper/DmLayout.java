package org.unionfs.driver.devicemapper;

import java.nio.file.Path;
import java.util.Set;

/**
 * The paths of a devicemapper home, Docker's layout plus the FUSE directory that shows active thin
 * devices to the kernel. Pure: nothing here touches the disk.
 *
 * @param home the driver's home ({@code <root>/devicemapper})
 */
record DmLayout(Path home) {
  /** Docker's name of the base device's metadata file. */
  static final String BASE_FILE = "base";
  /** moby's {@code deviceSetMetaFile}. */
  static final String DEVICESET_FILE = "deviceset-metadata";
  /** moby's {@code transactionMetaFile}. */
  static final String TRANSACTION_FILE = "transaction-metadata";
  /** Marks the metadata file of a layer whose id is one of Docker's own file names. */
  static final String ESCAPE = "@";
  private static final Set<String> RESERVED = Set.of(BASE_FILE, DEVICESET_FILE, TRANSACTION_FILE);

  /** {@code <home>/devicemapper}: the pool's {@code data} and {@code metadata} files. */
  Path poolDir() {
    return home.resolve("devicemapper");
  }

  /** {@code <home>/devicemapper/fuse}: one file per active thin device, served by this process. */
  Path fuseDir() {
    return poolDir().resolve("fuse");
  }

  /** {@code <home>/metadata}: one JSON file per device plus the two files of the device set. */
  Path metadataDir() {
    return home.resolve("metadata");
  }

  /** {@code <home>/mnt}: where layers are mounted. */
  Path mntDir() {
    return home.resolve("mnt");
  }

  /** {@code <home>/mnt/<id>}: the device's filesystem is mounted here. */
  Path mountPoint(String id) {
    return mntDir().resolve(id);
  }

  /** {@code <home>/mnt/<id>/rootfs}: what get returns. */
  Path rootfs(String id) {
    return mountPoint(id).resolve("rootfs");
  }

  /** The metadata file of device {@code hash} ("" is the base device). */
  Path metadataFile(String hash) {
    return metadataDir().resolve(fileName(hash));
  }

  Path transactionFile() {
    return metadataDir().resolve(TRANSACTION_FILE);
  }

  Path deviceSetFile() {
    return metadataDir().resolve(DEVICESET_FILE);
  }

  /**
   * The metadata file name of {@code hash}: "base" for the base device, the id itself otherwise, and
   * "@" + id for a layer id that is one of Docker's file names ("base", "deviceset-metadata",
   * "transaction-metadata", "*.migrated"); '@' never occurs in a layer id, so no two devices share a file.
   */
  static String fileName(String hash) {
    if (hash.isEmpty()) {
      return BASE_FILE;
    }
    return RESERVED.contains(hash) || hash.endsWith(".migrated") ? ESCAPE + hash : hash;
  }

  /**
   * The device hash a metadata file name stands for, or null for a file that holds no device (dot
   * files such as temporaries, the device set's own files, Docker's {@code *.migrated}).
   */
  static String hashOf(String fileName) {
    if (fileName.startsWith(ESCAPE)) {
      return fileName.substring(1);
    }
    if (fileName.startsWith(".") || fileName.equals(DEVICESET_FILE) || fileName.equals(TRANSACTION_FILE)
        || fileName.endsWith(".migrated")) {
      return null;
    }
    return fileName.equals(BASE_FILE) ? "" : fileName;
  }
}
