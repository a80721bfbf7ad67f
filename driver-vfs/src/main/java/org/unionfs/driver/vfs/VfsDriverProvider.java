package org.unionfs.driver.vfs;

import java.io.IOException;
import java.util.Set;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;

/**
 * Registers the vfs driver ("vfs"): full copies per layer, diffs computed naively
 * ({@link NaiveDiffDriver}), as moby's vfs. Runs on any Linux filesystem; reflink clones and project
 * quotas are used where the home's filesystem offers them.
 */
public final class VfsDriverProvider implements GraphDriverProvider {
  /** The registered name. */
  public static final String NAME = "vfs";

  @Override
  public String name() {
    return NAME;
  }

  /**
   * {@link DriverCapability#XATTRS}, {@link DriverCapability#RENAME_DIRECTORY_FROM_LOWER} and
   * {@link DriverCapability#HARDLINKS_ACROSS_LAYERS}: known without probing. An opened driver adds
   * {@link DriverCapability#COPY_ON_WRITE} where the home clones files and {@link DriverCapability#QUOTA}
   * where it has xfs project quotas.
   */
  @Override
  public Set<DriverCapability> capabilities() {
    return Set.of(DriverCapability.XATTRS, DriverCapability.RENAME_DIRECTORY_FROM_LOWER,
        DriverCapability.HARDLINKS_ACROSS_LAYERS);
  }

  /** vfs runs everywhere; only malformed options make it unusable. Touches nothing. */
  @Override
  public Support probe(DriverContext context) {
    try {
      VfsOptions.parse(context.options());
      return Support.yes();
    } catch (InvalidArgumentException e) {
      return Support.notSupported(e.getMessage());
    }
  }

  @Override
  public GraphDriver open(DriverContext context) throws IOException {
    return NaiveDiffDriver.wrap(VfsDriver.open(context.home(), context.options()));
  }
}
