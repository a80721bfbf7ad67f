package org.unionfs.api.quota;

import java.io.IOException;
import java.nio.file.Path;
import org.unionfs.api.posix.Posix;

/**
 * The quota system calls, bound by jnr-ffi: {@code quotactl_fd(2)} (Linux 5.14+, needs only a descriptor
 * on the filesystem), {@code quotactl(2)} on the block device as the fallback, and the
 * {@code FS_IOC_FSGETXATTR}/{@code FS_IOC_FSSETXATTR} ioctls that read and set a directory's project id.
 * They are functions of {@link Posix.LibC}, the process's one jnr-ffi binding.
 */
final class QuotaNative {
  static final int O_RDONLY = 0;
  static final int O_DIRECTORY = 0200000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;
  /** {@code __NR_quotactl_fd}: 443 on every architecture (added after the syscall tables were unified). */
  static final long NR_QUOTACTL_FD = 443;

  static final int PRJQUOTA = 2;
  static final int Q_XGETQUOTA = ('X' << 8) + 3;
  static final int Q_XSETQLIM = ('X' << 8) + 4;
  static final int Q_XGETQSTAT = ('X' << 8) + 5;
  static final int FS_QUOTA_PDQ_ACCT = 1 << 4;
  static final int FS_QUOTA_PDQ_ENFD = 1 << 5;
  static final int FS_DQUOT_VERSION = 1;
  static final int FS_PROJ_QUOTA = 1 << 1;
  static final int FS_DQ_BSOFT = 1 << 2;
  static final int FS_DQ_BHARD = 1 << 3;
  /** {@code sizeof(struct fs_disk_quota)}. */
  static final int DISK_QUOTA_SIZE = 112;
  /** {@code sizeof(struct fs_quota_stat)} is 80; room to spare. */
  static final int QUOTA_STAT_SIZE = 128;

  /** {@code _IOR('X', 31, struct fsxattr)}; the struct is 28 bytes. */
  static final long FS_IOC_FSGETXATTR = 0x801c581fL;
  /** {@code _IOW('X', 32, struct fsxattr)}. */
  static final long FS_IOC_FSSETXATTR = 0x401c5820L;
  static final int FS_XFLAG_PROJINHERIT = 0x200;
  static final int FSXATTR_SIZE = 28;

  private static final class Holder {
    static final QuotaNative INSTANCE = new QuotaNative();
  }

  /** The process's one libc binding (see {@link Posix#libc()}). */
  final Posix.LibC libc;
  private final Posix posix;

  private QuotaNative() {
    posix = Posix.get();
    libc = posix.libc();
  }

  static QuotaNative get() {
    return Holder.INSTANCE;
  }

  int errno() {
    return posix.lastErrno();
  }

  IOException error(int errno, String op, Path path) {
    return Posix.get().error(errno, op, path, null);
  }

  static int qcmd(int cmd, int type) {
    return (cmd << 8) | (type & 0xff);
  }

  int openDirectory(Path dir) throws IOException {
    int fd = libc.open(dir.toString(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
      throw error(errno(), "open", dir);
    }
    return fd;
  }
}
