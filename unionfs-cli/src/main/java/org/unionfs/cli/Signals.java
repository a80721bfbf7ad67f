package org.unionfs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Catches SIGINT and SIGTERM. A foreground {@code unionfs get} uses it to hold a process-bound mount and
 * release it cleanly, with {@code put} and exit status 0, when the user presses Ctrl-C or another
 * {@code unionfs put} signals it. A shutdown hook could not do that: the JVM would exit 130 or 143.
 *
 * <p>The handlers are installed before the path is printed, so that a signal sent as soon as the path
 * appears is never lost. {@code sun.misc.Signal} lives in the {@code jdk.unsupported} module, which the
 * JDK keeps open for exactly this use; {@link #close()} restores the previous handlers.
 */
final class Signals implements AutoCloseable {
  private final BlockingQueue<String> received = new ArrayBlockingQueue<>(8);
  private final List<Signal> signals = List.of(new Signal("INT"), new Signal("TERM"));
  private final List<SignalHandler> previous = new ArrayList<>();

  private Signals() {
    for (Signal s : signals) {
      previous.add(Signal.handle(s, sig -> received.offer(sig.getName())));
    }
  }

  /** Starts catching SIGINT and SIGTERM. */
  static Signals catchInterruptAndTerminate() {
    return new Signals();
  }

  /** Blocks until SIGINT or SIGTERM has arrived (perhaps already) and returns its name. */
  String await() throws InterruptedException {
    return received.take();
  }

  /** Restores the handlers that were in place before. */
  @Override
  public void close() {
    for (int i = 0; i < previous.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
