package org.unionfs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.unionfs.api.GraphDriver;
import org.unionfs.api.registry.DriverRegistry;
import org.unionfs.api.registry.DriverRegistry.ProbeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** The commands about drivers rather than layers: {@code drivers} and {@code status}. */
final class InfoCommands {
  private InfoCommands() {}

  /**
   * {@code drivers}: one line per driver in priority order, "NAME: supported" or
   * "NAME: not supported: REASON", the one {@code --driver} defaults to marked " (default)".
   */
  @Command(name = "drivers", mixinStandardHelpOptions = true,
      description = "Each driver, its probe result and reason; the default is marked (default).")
  static final class Drivers implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Override
    public Integer call() {
      DriverRegistry registry = parent.registry();
      Path home = parent.home();
      Map<String, String> options = parent.driverOptions();
      String chosen;
      try {
        chosen = registry.choose(home, options);
      } catch (IOException e) {
        chosen = null; // several drivers have state, or none works: nothing is the default
      }
      PrintStream out = parent.io().out();
      for (ProbeResult r : registry.probeAll(home, options)) {
        out.println(line(r, r.name().equals(chosen)));
      }
      return Main.OK;
    }

    static String line(ProbeResult r, boolean isDefault) {
      String state = r.support().supported()
          ? "supported" + (isDefault ? " (default)" : "")
          : "not supported: " + Errors.oneLine(r.support().reason());
      return r.name() + ": " + state;
    }
  }

  /** {@code status}: "Storage Driver: NAME", then the driver's status pairs, one "Key: value" each. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "The driver's status pairs (as docker info prints them), one \"Key: value\" line each.")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    UnionfsCommand parent;

    @Override
    public Integer call() throws IOException {
      try (GraphDriver driver = parent.openDriver()) {
        PrintStream out = parent.io().out();
        out.println("Storage Driver: " + driver.name());
        for (String line : driver.status().lines()) {
          out.println(Errors.oneLine(line));
        }
      }
      return Main.OK;
    }
  }
}
