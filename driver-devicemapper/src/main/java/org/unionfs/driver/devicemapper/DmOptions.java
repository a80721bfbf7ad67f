package org.unionfs.driver.devicemapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.spi.DriverOptions;
import org.unionfs.driver.devicemapper.pool.PoolConfig;

/**
 * The devicemapper driver options, parsed as moby's {@code NewDeviceSet} parses {@code --storage-opt}.
 *
 * @param baseSize {@code dm.basesize}: size of the base device and default size of every layer (10 GiB)
 * @param baseSizeGiven whether {@code dm.basesize} was given (moby's {@code userBaseSize}: only then is an
 *     existing base device grown)
 * @param dataSize {@code dm.loopdatasize}: the pool's sparse data file (100 GiB)
 * @param metadataSize {@code dm.loopmetadatasize}: the pool's sparse metadata file (2 GiB)
 * @param blockSize {@code dm.blocksize}: the pool's data block size in bytes (64 KiB)
 * @param filesystem {@code dm.fs}: "ext4" (the default here) or "xfs"
 * @param mkfsArgs {@code dm.mkfsarg}: extra mkfs arguments, split at white space (a map holds one value
 *     per key, where moby takes the option several times)
 * @param mountOptions {@code dm.mountopt}: extra mount options, in order
 * @param minFreeSpacePercent {@code dm.min_free_space}: "N%" below which new devices are refused (10)
 * @param xfsNospaceRetries {@code dm.xfs_nospace_max_retries}, or null: written to
 *     {@code /sys/fs/xfs/<loop>/error/metadata/ENOSPC/max_retries} after each xfs mount
 */
record DmOptions(long baseSize, boolean baseSizeGiven, long dataSize, long metadataSize, int blockSize,
    String filesystem, List<String> mkfsArgs, List<String> mountOptions, int minFreeSpacePercent,
    String xfsNospaceRetries) {
  /** moby's {@code defaultBaseFsSize}. */
  static final long DEFAULT_BASE_SIZE = 10L << 30;
  /** moby's {@code defaultMinFreeSpacePercent}. */
  static final int DEFAULT_MIN_FREE_SPACE = 10;
  private static final String OWNER = "devicemapper";

  DmOptions {
    mkfsArgs = List.copyOf(mkfsArgs);
    mountOptions = List.copyOf(mountOptions);
  }

  /** The defaults: Docker's loop-lvm sizes, ext4, 10% minimum free space. */
  static DmOptions defaults() {
    return new DmOptions(DEFAULT_BASE_SIZE, false, PoolConfig.DEFAULT_DATA_SIZE,
        PoolConfig.DEFAULT_METADATA_SIZE, PoolConfig.DEFAULT_BLOCK_SIZE, "ext4", List.of(), List.of(),
        DEFAULT_MIN_FREE_SPACE, null);
  }

  /** The pool geometry these options ask for. */
  PoolConfig poolConfig() {
    return new PoolConfig(dataSize, metadataSize, blockSize);
  }

  /**
   * Parses driver options.
   *
   * @throws InvalidArgumentException for an unknown key or a malformed value, naming it
   * @throws NotSupportedException for an option of moby's that needs the kernel's device-mapper (an
   *     external pool, direct-lvm, raw data/metadata devices, deferred removal or deletion)
   */
  static DmOptions parse(Map<String, String> options) throws InvalidArgumentException, NotSupportedException {
    DriverOptions o = DriverOptions.of(OWNER, options);
    refuseKernelOnly(o);
    long baseSize = positiveSize(o, "dm.basesize", DEFAULT_BASE_SIZE);
    boolean baseSizeGiven = options.keySet().stream()
        .anyMatch(k -> k.trim().toLowerCase(Locale.ROOT).equals("dm.basesize"));
    long dataSize = positiveSize(o, "dm.loopdatasize", PoolConfig.DEFAULT_DATA_SIZE);
    long metadataSize = positiveSize(o, "dm.loopmetadatasize", PoolConfig.DEFAULT_METADATA_SIZE);
    long blockSize = positiveSize(o, "dm.blocksize", PoolConfig.DEFAULT_BLOCK_SIZE);
    if (blockSize % (64 << 10) != 0 || blockSize > (1L << 30)) {
      throw o.invalid("dm.blocksize", o.string("dm.blocksize", ""),
          "must be a multiple of 64 KiB from 64K to 1G (dm-thin's 128 to 2097152 sectors)");
    }
    String fs = o.string("dm.fs", "ext4");
    if (!fs.equals("ext4") && !fs.equals("xfs")) {
      throw o.invalid("dm.fs", fs, "unsupported filesystem (ext4 or xfs)");
    }
    List<String> mkfsArgs = words(o.string("dm.mkfsarg", ""));
    List<String> mountOptions = new ArrayList<>();
    for (String opt : o.string("dm.mountopt", "").split(",")) {
      if (!opt.isBlank()) {
        mountOptions.add(opt.trim());
      }
    }
    int minFree = minFreeSpace(o);
    String retries = o.string("dm.xfs_nospace_max_retries", null);
    if (retries != null && !retries.matches("\\d{1,19}")) {
      throw o.invalid("dm.xfs_nospace_max_retries", retries, "expected an unsigned integer");
    }
    // Accepted for compatibility; see the package documentation for why each has nothing to change here.
    o.bool("dm.blkdiscard", true);
    o.bool("dm.override_udev_sync_check", false);
    long logLevel = o.number("dm.libdm_log_level", 7);
    if (logLevel < 2 || logLevel > 7) {
      throw o.invalid("dm.libdm_log_level", Long.toString(logLevel), "must be in range [2,7]");
    }
    o.requireAllUsed();
    return new DmOptions(baseSize, baseSizeGiven, dataSize, metadataSize, (int) blockSize, fs, mkfsArgs,
        mountOptions, minFree, retries);
  }

  /** Options that only make sense with the kernel's device-mapper, which this driver replaces. */
  private static void refuseKernelOnly(DriverOptions o) throws NotSupportedException, InvalidArgumentException {
    for (String key : List.of("dm.thinpooldev", "dm.datadev", "dm.metadatadev", "dm.directlvm_device",
        "dm.directlvm_device_force", "dm.thinp_percent", "dm.thinp_metapercent",
        "dm.thinp_autoextend_percent", "dm.thinp_autoextend_threshold")) {
      String v = o.string(key, null);
      if (v != null) {
        throw new NotSupportedException(OWNER + ": option " + key + "=" + v
            + " is not supported: this driver keeps its own pool in <home>/devicemapper/{data,metadata} "
            + "(the kernel's device-mapper, external pools and direct-lvm are not used)");
      }
    }
    for (String key : List.of("dm.use_deferred_removal", "dm.use_deferred_deletion")) {
      if (o.bool(key, false)) {
        throw new NotSupportedException(OWNER + ": option " + key
            + "=true is not supported: devices are removed at once (no kernel device-mapper to defer to)");
      }
    }
  }

  private static long positiveSize(DriverOptions o, String key, long fallback) throws InvalidArgumentException {
    long v = o.size(key, fallback);
    if (v <= 0) {
      throw o.invalid(key, o.string(key, ""), "must be greater than 0");
    }
    return v;
  }

  /** moby: "N%" with 0 <= N < 100. */
  private static int minFreeSpace(DriverOptions o) throws InvalidArgumentException {
    String v = o.string("dm.min_free_space", null);
    if (v == null) {
      return DEFAULT_MIN_FREE_SPACE;
    }
    if (!v.endsWith("%")) {
      throw o.invalid("dm.min_free_space", v, "requires % suffix");
    }
    String digits = v.substring(0, v.length() - 1);
    if (!digits.matches("\\d{1,3}") || Integer.parseInt(digits) >= 100) {
      throw o.invalid("dm.min_free_space", v, "must be a percentage from 0% to 99%");
    }
    return Integer.parseInt(digits);
  }

  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String w : text.trim().split("\\s+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }
}
