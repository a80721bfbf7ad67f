package org.unionfs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.unionfs.driver.devicemapper.DmCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code unionfs dm ...}: tools for the devicemapper driver's pool. */
@Command(name = "dm", mixinStandardHelpOptions = true,
    description = "Tools for the devicemapper driver's thin pool.",
    subcommands = DmCommands.Check.class)
final class DmCommands implements Callable<Integer> {
  @ParentCommand
  UnionfsCommand parent;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing dm command (check)");
  }

  /**
   * {@code dm check}: verifies the pool under {@code <home>/devicemapper} (every reference count
   * recomputed) and the device records against it; prints the notes, then one "problem: ..." line per
   * problem; exit status 1 when there is any.
   */
  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Check the devicemapper pool under HOME/devicemapper: leaked or doubly owned blocks, "
          + "checksums, blocks beyond the pool, device records without a device and devices without a record.",
          "Exit status 1 when a problem is found."})
  static final class Check implements Callable<Integer> {
    @ParentCommand
    DmCommands dm;

    @Option(names = "--home", paramLabel = "DIR",
        description = "The root of the drivers' homes (as the global --home). Default: the global one.")
    Path home;

    @Override
    public Integer call() throws IOException {
      Path root = home != null ? home.toAbsolutePath().normalize() : dm.parent.home();
      DmCheck.Result result = DmCheck.check(root.resolve("devicemapper"));
      PrintStream out = dm.parent.io().out();
      for (String note : result.notes()) {
        out.println(Errors.oneLine(note));
      }
      for (String problem : result.problems()) {
        out.println("problem: " + Errors.oneLine(problem));
      }
      out.println(result.ok() ? "ok" : result.problems().size() + " problem(s)");
      return result.ok() ? Main.OK : Main.FAILED;
    }
  }
}
