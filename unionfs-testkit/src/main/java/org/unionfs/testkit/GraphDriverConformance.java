package org.unionfs.testkit;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.unionfs.api.GraphDriver;

/**
 * The graphdriver conformance suite: every check, for every driver, from one short subclass.
 *
 * <pre>
 *   class VfsDriverConformanceTest extends GraphDriverConformance {
 *     protected GraphDriver newDriver(Path home) throws IOException {
 *       return new VfsDriverProvider().open(DriverContext.of(home));
 *     }
 *   }
 * </pre>
 *
 * <p>Each test gets a fresh temporary home (the driver creates it) and its own driver, closed after
 * the test; nothing is shared between tests. Nothing is opt-in: the only skips are by
 * {@link org.unionfs.api.DriverCapability} (the size option needs {@code QUOTA}) and, with a reason,
 * for checks that need root (chown, {@code security.capability}, device nodes) when not root.
 *
 * <p>The groups:
 * <ul>
 *   <li>{@link Graphtest}: moby's graphtest with its exact expectations;
 *   <li>{@link Layering}: random layers compared with a flat oracle, changes and diff round trips;
 *   <li>{@link Regressions}: upstream bugs, one method each;
 *   <li>{@link ApplyDiff}: whiteouts, opaque directories, every entry type, hostile and malformed tars;
 *   <li>{@link Contract}: typed errors, reference counting, close and reopen;
 *   <li>{@link Concurrency}: parallel use of one driver.
 * </ul>
 *
 * <p>Each group carries a JUnit tag of its name in lower case, so one group runs alone with
 * {@code mvn test -Dtest=VfsDriverConformanceTest -Dgroups=layering}.
 */
public abstract class GraphDriverConformance {

  /**
   * Opens the driver under test on {@code home}, which does not exist yet. Called at least once per
   * test, and again on the same home where a check reopens the driver.
   */
  protected abstract GraphDriver newDriver(Path home) throws IOException;

  private DriverFactory factory() {
    return this::newDriver;
  }

  /** moby graphtest. */
  @Nested
  @Tag("graphtest")
  class Graphtest extends GraphtestChecks {
    Graphtest() {
      super(factory());
    }
  }

  /** Random layers against a flat oracle. */
  @Nested
  @Tag("layering")
  class Layering extends LayeringChecks {
    Layering() {
      super(factory());
    }
  }

  /** Upstream regressions. */
  @Nested
  @Tag("regressions")
  class Regressions extends RegressionChecks {
    Regressions() {
      super(factory());
    }
  }

  /** applyDiff semantics and safety. */
  @Nested
  @Tag("applydiff")
  class ApplyDiff extends ApplyDiffChecks {
    ApplyDiff() {
      super(factory());
    }
  }

  /** The API contract. */
  @Nested
  @Tag("contract")
  class Contract extends ContractChecks {
    Contract() {
      super(factory());
    }
  }

  /** Concurrency. */
  @Nested
  @Tag("concurrency")
  class Concurrency extends ConcurrencyChecks {
    Concurrency() {
      super(factory());
    }
  }
}
