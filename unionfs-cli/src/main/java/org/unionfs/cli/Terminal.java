package org.unionfs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal, so that progress is drawn only for a human watching.
 *
 * <p>Answered from {@code /proc/self/fd/2} rather than {@code isatty(3)} through jnr-ffi: binding a C
 * library costs a cold JVM a few hundred milliseconds, which every command paid at start-up (most never
 * draw progress).
 */
final class Terminal {
  private Terminal() {}

  /**
   * Whether descriptor 2 is a terminal device: a pseudo-terminal ({@code /dev/pts/N}), a virtual or
   * serial console ({@code /dev/ttyX}) or {@code /dev/console}. Without /proc, falls back to
   * {@link System#console()}, which is non-null only when stdin and stdout are terminals.
   */
  static boolean stderrIsTerminal() {
    try {
      return isTerminalDevice(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /** Whether {@code device} (what a descriptor's /proc link names) is a terminal. */
  static boolean isTerminalDevice(String device) {
    return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
  }
}
