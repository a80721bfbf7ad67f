package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.unionfs.api.DriverCapability;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;
import org.unionfs.api.spi.GraphDriverProvider;
import org.unionfs.api.spi.Support;

/**
 * The overlay2 graphdriver: Docker's overlay2 on-disk layout, assembled by the kernel's overlayfs.
 *
 * <p>Driver options: {@code overlay2.size} (default quota of read-write layers; needs xfs with
 * {@code pquota}) and {@code overlay2.max_depth} (lower layers per layer, 128 by default, at most 500).
 * Storage option of {@code createReadWrite}: {@code size}.
 */
public final class Overlay2DriverProvider implements GraphDriverProvider {

  @Override
  public String name() {
    return Overlay2Driver.NAME;
  }

  @Override
  public Set<DriverCapability> capabilities() {
    return Set.of(DriverCapability.COPY_ON_WRITE, DriverCapability.XATTRS, DriverCapability.REQUIRES_ROOT);
  }

  @Override
  public Support probe(DriverContext context) {
    try {
      Overlay2Options.parse(context.options());
      OverlayProbe.system().probe(context.home());
      return Support.yes();
    } catch (NotSupportedException e) {
      return Support.notSupported(e.getMessage());
    } catch (IOException | RuntimeException | LinkageError e) {
      return Support.notSupported("overlay2 probe failed: " + e.getMessage());
    }
  }

  @Override
  public GraphDriver open(DriverContext context) throws IOException {
    return open(context, KernelMounter.system(), OverlayProbe.system());
  }

  /** Opens with the given mounter and probe (tests inject them). */
  static Overlay2Driver open(DriverContext context, Mounter mounter, OverlayProbe probe) throws IOException {
    Overlay2Options options = Overlay2Options.parse(context.options());
    Path home = context.home();
    OverlaySupport support = probe.probe(home);
    Overlay2Layout layout = new Overlay2Layout(home);
    mkdirs(home, Overlay2Layout.HOME_MODE);
    mkdirs(layout.linkDir(), Overlay2Layout.LINK_DIR_MODE);
    Recovery.run(layout, mounter, context.sharedMounts());
    LayerQuotas quotas = LayerQuotas.open(home, options.defaultQuota());
    return new Overlay2Driver(layout, support, options, mounter, Posix.get(), quotas, ChildIndex.scan(layout),
        context.sharedMounts());
  }

  /** Creates a directory with Docker's mode if it is missing; an existing one keeps its mode. */
  private static void mkdirs(Path dir, String mode) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
  }
}
