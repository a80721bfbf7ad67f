package org.unionfs.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of {@link FsOp}s applied in order to a tree, in the manner of continuity's
 * {@code fstest.Apply}. After each operation, the entries it touched are stamped with the next time of
 * the fixture's {@link Clock}, so the same fixture gives the same tree, mtimes included, on a plain
 * directory and on a layer's view.
 *
 * <pre>
 *   Fixture.of(
 *       new FsOp.CreateDir("/etc", 0700),
 *       new FsOp.WriteFile("/etc/hosts", bytes("mydomain 10.0.0.1"), 0644));
 * </pre>
 */
public final class Fixture {
  private final List<FsOp> ops;
  private final Clock clock;

  /**
   * The times a fixture stamps: operation {@code k} gets {@code startSec + k * stepNanos} nanoseconds
   * past {@code startNsec}. A null clock lets the caller (a layer chain) choose one.
   */
  public record Clock(long startSec, long startNsec, long stepNanos) {
    /** The default clock of layer {@code index} of a chain: whole seconds apart from other layers. */
    public static Clock forLayer(int index) {
      return new Clock(1_600_000_000L + 100_000L * index, 123_456_789L, 1_000_007_919L);
    }

    /** {sec, nsec} of operation {@code k}; never a zero nsec, which moby treats as "any". */
    long[] at(int k) {
      long total = startNsec + k * stepNanos;
      long sec = startSec + Math.floorDiv(total, 1_000_000_000L);
      long nsec = Math.floorMod(total, 1_000_000_000L);
      return new long[] {sec, nsec == 0 ? 1 : nsec};
    }
  }

  private Fixture(List<FsOp> ops, Clock clock) {
    this.ops = List.copyOf(ops);
    this.clock = clock;
  }

  /** A fixture of these operations; its clock is chosen by whoever applies it. */
  public static Fixture of(FsOp... ops) {
    return new Fixture(List.of(ops), null);
  }

  /** A fixture of these operations; its clock is chosen by whoever applies it. */
  public static Fixture of(List<FsOp> ops) {
    return new Fixture(ops, null);
  }

  /** This fixture with a fixed clock. */
  public Fixture withClock(Clock fixed) {
    return new Fixture(ops, fixed);
  }

  /** The fixed clock, or null. */
  public Clock clock() {
    return clock;
  }

  public List<FsOp> ops() {
    return ops;
  }

  /** Applies every operation with the fixture's own clock (which must be set). */
  public void applyTo(Path root) throws IOException {
    if (clock == null) {
      throw new IllegalStateException("fixture has no clock; use applyTo(root, clock)");
    }
    applyTo(root, clock);
  }

  /** Applies every operation, stamping with {@code fallback} unless the fixture has its own clock. */
  public void applyTo(Path root, Clock fallback) throws IOException {
    Clock c = clock != null ? clock : fallback;
    for (int k = 0; k < ops.size(); k++) {
      step(root, ops.get(k), c, k);
    }
  }

  /** Runs operation {@code k} of a fixture with clock {@code c}: the op, then its stamps. */
  static void step(Path root, FsOp op, Clock c, int k) throws IOException {
    try {
      op.apply(root);
      long[] t = c.at(k);
      for (String path : op.touched()) {
        Path p = FsOp.at(root, path);
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          PathOps.setTimes(p, t[0], t[1], t[0], t[1]);
        }
      }
    } catch (IOException e) {
      throw new IOException("fixture step " + k + " " + op + " on " + root + ": " + e, e);
    }
  }

  /** UTF-8 bytes, for file contents in fixtures. */
  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Builds a fixture while applying each operation at once to an oracle directory, so a generator can
   * choose the next operation from the oracle's current state.
   */
  public static final class Recorder {
    private final Path oracle;
    private final Clock clock;
    private final List<FsOp> ops = new ArrayList<>();

    public Recorder(Path oracle, Clock clock) {
      this.oracle = oracle;
      this.clock = clock;
    }

    /** Applies {@code op} (and its stamps) to the oracle and records it. */
    public void run(FsOp op) throws IOException {
      step(oracle, op, clock, ops.size());
      ops.add(op);
    }

    /** The recorded operations with this recorder's clock: replaying it gives the oracle's changes. */
    public Fixture fixture() {
      return new Fixture(ops, clock);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Fixture[");
    for (FsOp op : ops) {
      sb.append("\n  ").append(op);
    }
    return sb.append("]").toString();
  }
}
