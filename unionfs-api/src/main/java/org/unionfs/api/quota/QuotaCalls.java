package org.unionfs.api.quota;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/** The quota calls on one filesystem, through {@code quotactl_fd} or the mount's block device. */
final class QuotaCalls {
  /** One project's quota record ({@code struct fs_disk_quota}), in bytes. */
  record DiskQuota(long hardLimitBytes, long softLimitBytes, long usedBytes, long inodes) {
    boolean isUnused() {
      return hardLimitBytes == 0 && softLimitBytes == 0 && usedBytes == 0 && inodes == 0;
    }
  }

  private final QuotaNative nat = QuotaNative.get();
  private final Path anchor;
  /** The block device, when quotactl_fd is missing (kernels before 5.14); else null. */
  private String device;
  private final boolean useFd = QuotaCalls.HAS_QUOTACTL_FD;

  /**
   * Whether the kernel has quotactl_fd (5.14+). Asked with a bad descriptor: EBADF means it exists. A
   * plain ENOSYS from a real call is ambiguous, since a filesystem without quota support answers that too.
   */
  private static final boolean HAS_QUOTACTL_FD = QuotaNative.get().libc.syscall(
      QuotaNative.NR_QUOTACTL_FD, -1, QuotaNative.qcmd(QuotaNative.Q_XGETQSTAT, QuotaNative.PRJQUOTA), 0,
      new byte[QuotaNative.QUOTA_STAT_SIZE]) != 0 && QuotaNative.get().errno() != Posix.ENOSYS;

  private QuotaCalls(Path anchor) {
    this.anchor = anchor;
  }

  static QuotaCalls forFilesystemOf(Path anchor) {
    return new QuotaCalls(anchor);
  }

  int quotaStatFlags() throws IOException {
    byte[] buf = new byte[QuotaNative.QUOTA_STAT_SIZE];
    quotactl(QuotaNative.Q_XGETQSTAT, 0, buf, "Q_XGETQSTAT");
    return ProjectQuota.le(buf).getShort(2) & 0xffff;
  }

  DiskQuota getQuota(int id) throws IOException {
    byte[] buf = new byte[QuotaNative.DISK_QUOTA_SIZE];
    try {
      quotactl(QuotaNative.Q_XGETQUOTA, id, buf, "Q_XGETQUOTA");
    } catch (java.nio.file.NoSuchFileException e) {
      return new DiskQuota(0, 0, 0, 0); // ENOENT: no record for this id yet
    }
    ByteBuffer b = ProjectQuota.le(buf);
    return new DiskQuota(b.getLong(8) * 512, b.getLong(16) * 512, b.getLong(40) * 512, b.getLong(48));
  }

  void setBlockLimit(int id, long blocks) throws IOException {
    byte[] buf = new byte[QuotaNative.DISK_QUOTA_SIZE];
    ByteBuffer b = ProjectQuota.le(buf);
    b.put(0, (byte) QuotaNative.FS_DQUOT_VERSION);
    b.put(1, (byte) QuotaNative.FS_PROJ_QUOTA);
    b.putShort(2, (short) (QuotaNative.FS_DQ_BSOFT | QuotaNative.FS_DQ_BHARD));
    b.putInt(4, id);
    b.putLong(8, blocks);
    b.putLong(16, blocks);
    quotactl(QuotaNative.Q_XSETQLIM, id, buf, "Q_XSETQLIM");
  }

  private void quotactl(int cmd, int id, byte[] buf, String op) throws IOException {
    int qcmd = QuotaNative.qcmd(cmd, QuotaNative.PRJQUOTA);
    if (useFd) {
      int fd = nat.openDirectory(anchor);
      try {
        if (nat.libc.syscall(QuotaNative.NR_QUOTACTL_FD, fd, qcmd, id, buf) == 0) {
          return;
        }
        throw nat.error(nat.errno(), "quotactl_fd " + op + " project " + id, anchor);
      } finally {
        nat.libc.close(fd);
      }
    }
    if (device == null) {
      device = blockDevice(anchor);
    }
    if (nat.libc.quotactl(qcmd, device, id, buf) != 0) {
      throw nat.error(nat.errno(), "quotactl " + op + " project " + id + " on " + device, anchor);
    }
  }

  /** The source device of the mount holding {@code path}, from /proc/self/mountinfo. */
  private static String blockDevice(Path path) throws IOException {
    FileStat st = Posix.get().lstat(path);
    long dev = st.dev();
    long major = ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
    long minor = ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
    String want = major + ":" + minor;
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      int dash = line.indexOf(" - ");
      if (f.length > 3 && f[2].equals(want) && dash > 0) {
        String[] tail = line.substring(dash + 3).split(" ");
        if (tail.length > 1 && tail[1].startsWith("/")) {
          return tail[1];
        }
      }
    }
    throw new IOException(path + ": no block device found for device " + want + " in mountinfo");
  }

  static int projectId(Path dir) throws IOException {
    return ProjectQuota.le(fsxattr(dir)).getInt(12);
  }

  static boolean inheritsProject(Path dir) throws IOException {
    return (ProjectQuota.le(fsxattr(dir)).getInt(0) & QuotaNative.FS_XFLAG_PROJINHERIT) != 0;
  }

  static void setProjectId(Path dir, int id) throws IOException {
    QuotaNative nat = QuotaNative.get();
    int fd = nat.openDirectory(dir);
    try {
      byte[] buf = new byte[QuotaNative.FSXATTR_SIZE];
      if (nat.libc.ioctl(fd, QuotaNative.FS_IOC_FSGETXATTR, buf) != 0) {
        throw nat.error(nat.errno(), "ioctl FS_IOC_FSGETXATTR", dir);
      }
      ByteBuffer b = ProjectQuota.le(buf);
      b.putInt(0, b.getInt(0) | QuotaNative.FS_XFLAG_PROJINHERIT);
      b.putInt(12, id);
      if (nat.libc.ioctl(fd, QuotaNative.FS_IOC_FSSETXATTR, buf) != 0) {
        throw nat.error(nat.errno(), "ioctl FS_IOC_FSSETXATTR project " + id, dir);
      }
    } finally {
      nat.libc.close(fd);
    }
  }

  private static byte[] fsxattr(Path dir) throws IOException {
    QuotaNative nat = QuotaNative.get();
    int fd = nat.openDirectory(dir);
    try {
      byte[] buf = new byte[QuotaNative.FSXATTR_SIZE];
      if (nat.libc.ioctl(fd, QuotaNative.FS_IOC_FSGETXATTR, buf) != 0) {
        throw nat.error(nat.errno(), "ioctl FS_IOC_FSGETXATTR", dir);
      }
      return buf;
    } finally {
      nat.libc.close(fd);
    }
  }
}
