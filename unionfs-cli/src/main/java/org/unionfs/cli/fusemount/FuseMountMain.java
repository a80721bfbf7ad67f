package org.unionfs.cli.fusemount;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Arrays;
import org.unionfs.api.union.UnionConfig;
import org.unionfs.api.union.layers.LayerBranches;
import org.unionfs.fuse.FuseMount;
import org.unionfs.fuse.FuseMountException;
import org.unionfs.fuse.MountOptions;
import org.unionfs.fuse.UnionMount;

/**
 * {@code java -jar fuse-mount.jar}: mounts a union with FUSE (see {@link FuseMountArgs#USAGE}).
 *
 * <p>Without {@code -f} it daemonizes the Java way: it starts a second JVM with the same command line
 * plus {@code -f} and an internal flag, in a new session, and returns when that child prints that the
 * mount is live (exit 0) or exits (its exit status; the child printed the reason on stderr). A JVM
 * cannot fork itself, and a child started before the mount keeps all mount work in one process.
 *
 * <p>Exit status: 0 mounted (or unmounted cleanly in the foreground), 1 the mount failed, 2 bad usage.
 */
public final class FuseMountMain {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private FuseMountMain() {}

  public static void main(String[] args) {
    int rc = run(args, System.out, System.err);
    if (rc != OK || !Thread.currentThread().isInterrupted()) {
      System.exit(rc);
    }
  }

  /** Runs the command; returns the exit status (in the foreground: after the unmount). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    FuseMountArgs a;
    try {
      a = FuseMountArgs.parse(args);
    } catch (UsageException e) {
      err.println("fuse-mount: " + e.getMessage());
      err.println("Try 'fuse-mount --help'.");
      return USAGE;
    }
    if (a.help()) {
      out.print(FuseMountArgs.USAGE);
      return OK;
    }
    MountOptions options;
    UnionConfig config;
    try {
      options = MountOptions.parse(a.options(), UnionConfig.processIsRoot());
      config = a.layerForm() ? layerConfig(a) : a.unionConfig();
    } catch (FuseMountException | IllegalArgumentException e) {
      err.println("fuse-mount: " + e.getMessage());
      return e instanceof IllegalArgumentException ? USAGE : FAILED;
    } catch (IOException e) {
      err.println("fuse-mount: " + e.getMessage());
      return FAILED;
    }
    if (!a.foreground()) {
      return Daemon.startChild(args, err);
    }
    return runForeground(a, config, options, out, err);
  }

  private static UnionConfig layerConfig(FuseMountArgs a) throws IOException {
    if (!Files.isDirectory(a.home())) {
      throw new FuseMountException("driver home " + a.home() + " is not a directory");
    }
    return LayerBranches.forDriver(a.driver()).branches(a.home(), a.layer());
  }

  private static int runForeground(FuseMountArgs a, UnionConfig config, MountOptions options,
      PrintStream out, PrintStream err) {
    if (a.notifyReady()) {
      Daemon.detachSession();
    }
    FuseMount mount;
    try {
      mount = UnionMount.mount(config, a.mountPoint(), options);
    } catch (FuseMountException e) {
      err.println("fuse-mount: " + e.getMessage());
      return FAILED;
    }
    if (a.notifyReady()) {
      out.println(FuseMountArgs.READY);
      out.flush();
      out.close(); // the parent sees end of stream and can exit
    }
    try {
      mount.awaitExit();
      mount.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      err.println("fuse-mount: " + e.getMessage());
      return FAILED;
    }
    return OK;
  }

  /** For messages: the command line as typed. */
  static String commandLine(String[] args) {
    return String.join(" ", Arrays.asList(args));
  }
}
