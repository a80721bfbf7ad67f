package org.unionfs.api.posix;

/**
 * The result of {@code statfs(2)}.
 *
 * @param type the filesystem magic ({@code f_type}), e.g. 0xEF53 for ext2/3/4
 */
public record StatFs(long type, long blockSize, long blocks, long blocksFree, long blocksAvailable,
    long files, long filesFree) {

  /** The filesystem's name as Docker's {@code FsNames} gives it ("extfs", "xfs", "btrfs", ...). */
  public String dockerName() {
    return FsMagic.dockerName(type);
  }
}
