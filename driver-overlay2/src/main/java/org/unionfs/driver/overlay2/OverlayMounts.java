package org.unionfs.driver.overlay2;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * Describes the overlay mount of a layer as Docker's overlay2 {@code Get} builds it, without touching
 * the filesystem: a pure function of the layout, the layer's {@code lower} entries, whether it is
 * committed, the host's {@link OverlaySupport} and the mount label.
 */
final class OverlayMounts {
  private OverlayMounts() {}

  /**
   * The mount of layer {@code id}.
   *
   * <ul>
   *   <li>committed (it has children): read-only, {@code lowerdir=<home>/<id>/diff:<home>/l/<L1>:...},
   *       so a child's view can never change under it;
   *   <li>otherwise {@code lowerdir=<home>/l/<L1>:...,upperdir=<home>/<id>/diff,workdir=<home>/<id>/work};
   *   <li>prefixed by {@code index=off} and {@code userxattr} where the host needs them, followed by
   *       {@code context="<label>"} when a mount label is given (go-selinux {@code FormatMountLabel});
   *   <li>when that data would not fit in a page (mount(2) copies one page), the same with paths relative
   *       to the home ({@code lowerdir=l/<L1>:...}), to be mounted from a process whose working directory
   *       is the home.
   * </ul>
   *
   * @param lower the layer's lower entries ({@code l/<LINK>}), nearest first; must not be empty
   * @throws InvalidArgumentException if even the relative form does not fit in a page
   */
  static MountSpec describe(Overlay2Layout layout, String id, List<String> lower, boolean committed,
      OverlaySupport support, String mountLabel) throws InvalidArgumentException {
    if (lower.isEmpty()) {
      throw new IllegalArgumentException("layer " + id + " has no lower layers: nothing to mount");
    }
    Path home = layout.home();
    List<String> absolute = new ArrayList<>(lower.size() + 1);
    if (committed) {
      absolute.add(layout.diff(id).toString());
    }
    for (String entry : lower) {
      absolute.add(home.resolve(entry).toString());
    }
    List<String> options = options(support, absolute, committed ? null : layout.diff(id).toString(),
        committed ? null : layout.work(id).toString(), mountLabel);
    MountSpec spec = new MountSpec("overlay", "overlay", layout.merged(id), options, null);
    if (fits(spec, support)) {
      return spec;
    }
    List<String> relative = new ArrayList<>(lower.size() + 1);
    if (committed) {
      relative.add(id + "/" + Overlay2Layout.DIFF_DIR);
    }
    relative.addAll(lower);
    options = options(support, relative, committed ? null : id + "/" + Overlay2Layout.DIFF_DIR,
        committed ? null : id + "/" + Overlay2Layout.WORK_DIR, mountLabel);
    spec = new MountSpec("overlay", "overlay", Path.of(id, Overlay2Layout.MERGED_DIR), options, home);
    if (!fits(spec, support)) {
      throw new InvalidArgumentException("mount layer " + id + ": cannot mount layer, mount label too large "
          + spec.data().length());
    }
    return spec;
  }

  /** Whether mount(2) can take the data: it must fit in a page with its terminating NUL. */
  static boolean fits(MountSpec spec, OverlaySupport support) {
    return spec.data().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= support.pageSize() - 1;
  }

  private static List<String> options(OverlaySupport support, List<String> lowerDirs, String upper,
      String work, String mountLabel) {
    List<String> options = new ArrayList<>();
    if (support.indexOff()) {
      options.add("index=off");
    }
    if (support.userxattr()) {
      options.add("userxattr");
    }
    options.add("lowerdir=" + String.join(":", lowerDirs));
    if (upper != null) {
      options.add("upperdir=" + upper);
      options.add("workdir=" + work);
    }
    if (!mountLabel.isEmpty()) {
      options.add("context=\"" + mountLabel + "\"");
    }
    return options;
  }
}
