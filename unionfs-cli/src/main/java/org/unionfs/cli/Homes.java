package org.unionfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The default {@code --home}: a per-user data directory, the root under which each driver has its home
 * {@code <root>/<driver>} (Docker's {@code /var/lib/docker/<driver>}).
 *
 * <ul>
 *   <li>root (uid 0): {@code /var/lib/unionfs}
 *   <li>others: {@code $XDG_DATA_HOME/unionfs} when that variable holds an absolute path, else
 *       {@code ~/.local/share/unionfs} (the XDG base directory rules)
 * </ul>
 */
final class Homes {
  /** The root's default home. */
  static final Path SYSTEM_HOME = Path.of("/var/lib/unionfs");

  private Homes() {}

  /** The default home for this process. */
  static Path defaultHome() {
    return defaultHome(isRoot(), System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The default home for a user who is (or is not) root, with this environment and home directory. */
  static Path defaultHome(boolean root, Map<String, String> env, Path userHome) {
    if (root) {
      return SYSTEM_HOME;
    }
    String xdg = env.get("XDG_DATA_HOME");
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "unionfs");
    }
    return userHome.resolve(".local/share/unionfs");
  }

  /** Whether this process runs as uid 0: {@code /proc/self} is owned by the effective uid. */
  static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
