package org.unionfs.cli.fusemount;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;

/**
 * Daemonizing without fork: the parent starts a child JVM running the same main class with {@code -f}
 * and {@link FuseMountArgs#NOTIFY_READY}, waits for the ready line on the child's stdout, and exits. The
 * child calls {@code setsid()} so that the terminal's hangup and job-control signals do not reach it;
 * its stderr stays the parent's stderr (failures and warnings go where the user looks).
 */
final class Daemon {
  private Daemon() {}

  /** The parent's side: start the child and return its verdict as an exit status. */
  static int startChild(String[] args, PrintStream err) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(FuseMountMain.class.getName());
    cmd.addAll(List.of(args));
    cmd.add("-f");
    cmd.add(FuseMountArgs.NOTIFY_READY);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putIfAbsent("LC_ALL", "C.UTF-8");
    Process child;
    try {
      child = pb.start();
    } catch (IOException e) {
      err.println("fuse-mount: cannot start the mount process: " + e.getMessage());
      return FuseMountMain.FAILED;
    }
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.equals(FuseMountArgs.READY)) {
          return FuseMountMain.OK;
        }
      }
      int rc = child.waitFor();
      return rc == 0 ? FuseMountMain.FAILED : rc;
    } catch (IOException e) {
      err.println("fuse-mount: lost the mount process: " + e.getMessage());
      child.destroy();
      return FuseMountMain.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.destroy();
      return FuseMountMain.FAILED;
    }
  }

  /** The libc call the child needs. */
  public interface LibC {
    int setsid();
  }

  /** The child's side: leave the parent's session (best effort: a group leader cannot). */
  static void detachSession() {
    try {
      LibraryLoader.create(LibC.class).load("c").setsid();
    } catch (RuntimeException | LinkageError e) {
      // still works, only a terminal hangup would reach it
    }
  }
}
