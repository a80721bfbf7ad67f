package org.unionfs.cli;

import jnr.ffi.LibraryLoader;

/** Whether standard error is a terminal, so that progress is drawn only for a human watching. */
final class Terminal {
  private Terminal() {}

  /** The one C function needed. */
  public interface CLib {
    int isatty(int fd);
  }

  /**
   * {@code isatty(2)}. If libc cannot be bound, falls back to {@link System#console()}, which is non-null
   * only when stdin and stdout are terminals.
   */
  static boolean stderrIsTerminal() {
    try {
      return LibraryLoader.create(CLib.class).load("c").isatty(2) == 1;
    } catch (RuntimeException | LinkageError e) {
      return System.console() != null;
    }
  }
}
