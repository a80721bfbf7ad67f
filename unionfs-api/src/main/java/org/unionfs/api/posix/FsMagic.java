package org.unionfs.api.posix;

import java.util.Map;

/** Filesystem magic numbers and the names Docker prints for them (moby driver_linux.go FsNames). */
public final class FsMagic {
  public static final long AUFS = 0x61756673L;
  public static final long BTRFS = 0x9123683EL;
  public static final long CRAMFS = 0x28cd3d45L;
  public static final long ECRYPTFS = 0xf15f;
  public static final long EXTFS = 0x0000EF53L;
  public static final long F2FS = 0xF2F52010L;
  public static final long GPFS = 0x47504653L;
  public static final long JFFS2 = 0x000072b6L;
  public static final long JFS = 0x3153464aL;
  public static final long NFS = 0x00006969L;
  public static final long RAMFS = 0x858458f6L;
  public static final long REISERFS = 0x52654973L;
  public static final long SMB = 0x0000517BL;
  public static final long SQUASHFS = 0x73717368L;
  public static final long TMPFS = 0x01021994L;
  public static final long VXFS = 0xa501fcf5L;
  public static final long XFS = 0x58465342L;
  public static final long ZFS = 0x2fc12fc1L;
  public static final long OVERLAY = 0x794C7630L;
  public static final long FUSE = 0x65735546L;

  private static final Map<Long, String> NAMES = Map.ofEntries(
      Map.entry(AUFS, "aufs"), Map.entry(BTRFS, "btrfs"), Map.entry(CRAMFS, "cramfs"),
      Map.entry(ECRYPTFS, "ecryptfs"), Map.entry(EXTFS, "extfs"), Map.entry(F2FS, "f2fs"),
      Map.entry(GPFS, "gpfs"), Map.entry(JFFS2, "jffs2"), Map.entry(JFS, "jfs"),
      Map.entry(NFS, "nfs"), Map.entry(RAMFS, "ramfs"), Map.entry(REISERFS, "reiserfs"),
      Map.entry(SMB, "smb"), Map.entry(SQUASHFS, "squashfs"), Map.entry(TMPFS, "tmpfs"),
      Map.entry(VXFS, "vxfs"), Map.entry(XFS, "xfs"), Map.entry(ZFS, "zfs"),
      Map.entry(OVERLAY, "overlayfs"), Map.entry(FUSE, "fuse"));

  private FsMagic() {}

  /** Docker's name for a magic, or "&lt;unknown&gt;". */
  public static String dockerName(long magic) {
    return NAMES.getOrDefault(magic & 0xffffffffL, "<unknown>");
  }
}
