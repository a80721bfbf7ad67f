package org.unionfs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code get} on a driver whose mounts live in a process: it stays in the foreground until SIGINT or
 * SIGTERM, and {@code put} from another process ends it. The holder runs in its own JVM.
 */
class ForegroundGetTest {
  @TempDir
  Path home;

  private Cli cli;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    cli = new Cli(home, ProcessBoundTestDriver.NAME);
    assertThat(cli.run("create", "a").exit()).isZero();
    Files.deleteIfExists(ProcessBoundTestDriver.events(home)); // only what the tests' commands do
  }

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  /** Starts {@code unionfs get ID} in a new JVM and returns once it printed the path. */
  private Process startGet(String id) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--home", home.toString(), "--driver", ProcessBoundTestDriver.NAME, "get", id);
    pb.environment().put("LC_ALL", "C.UTF-8");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static String firstLine(Process p) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    return r.readLine();
  }

  /** The gets and puts the driver saw, in any process (every command also records its "close"). */
  private List<String> events() throws IOException {
    return Files.readAllLines(ProcessBoundTestDriver.events(home)).stream().filter(e -> !e.equals("close"))
        .toList();
  }

  /** The holder released with put and then closed its driver. */
  private void assertHolderPutThenClosed() throws IOException {
    List<String> all = Files.readAllLines(ProcessBoundTestDriver.events(home));
    int put = all.indexOf("put a");
    assertThat(put).isNotNegative();
    assertThat(all.subList(put, all.size())).startsWith("put a", "close");
  }

  @Test
  void get_holdsInForeground_putFromAnotherProcessReleasesIt() throws Exception {
    Process holder = startGet("a");
    String path = firstLine(holder);
    assertThat(path).endsWith("/a");
    assertThat(holder.isAlive()).as("get stays in the foreground").isTrue();
    assertThat(events()).containsExactly("get a");

    // A second get only counts: the mount lives in the holder.
    Cli.Result second = cli.run("get", "a");
    assertThat(second.exit()).isZero();
    assertThat(second.out().strip()).isEqualTo(path);
    assertThat(cli.run("remove", "a").exit()).as("held layers are not removed").isEqualTo(1);

    assertThat(cli.run("put", "a").exit()).isZero();
    assertThat(holder.isAlive()).as("one reference left").isTrue();
    assertThat(cli.run("put", "a").exit()).isZero(); // the last put: SIGTERM to the holder, which releases
    assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(holder.exitValue()).isZero();
    assertThat(events()).containsExactly("get a", "put a");
    assertHolderPutThenClosed();
    assertThat(cli.run("put", "a").exit()).isEqualTo(1);
    assertThat(cli.run("remove", "a").exit()).isZero();
  }

  @Test
  void get_releasesOnSigint_withExitZero() throws Exception {
    Process holder = startGet("a");
    assertThat(firstLine(holder)).endsWith("/a");
    new ProcessBuilder("bash", "-c", "kill -INT " + holder.pid()).start().waitFor(); // bash's builtin kill
    assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(holder.exitValue()).isZero();
    assertThat(events()).containsExactly("get a", "put a");
    assertHolderPutThenClosed();
    Cli.Result put = cli.run("put", "a");
    assertThat(put.exit()).as("the hold went with the holder").isEqualTo(1);
  }

  @Test
  void get_afterHolderWasKilled_dropsTheStaleHoldAndHoldsAgain() throws Exception {
    Process holder = startGet("a");
    assertThat(firstLine(holder)).endsWith("/a");
    holder.destroyForcibly().waitFor(); // kill -9: no chance to release
    Process again = startGet("a");
    assertThat(firstLine(again)).endsWith("/a");
    assertThat(events()).containsExactly("get a", "get a");
    assertThat(cli.run("put", "a").exit()).isZero();
    assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).isZero();
  }

  @Test
  void remove_afterHolderWasKilled_isNotBlockedByTheStaleHold() throws Exception {
    Process holder = startGet("a");
    assertThat(firstLine(holder)).endsWith("/a");
    assertThat(cli.run("remove", "a").exit()).as("held").isEqualTo(1);
    holder.destroyForcibly().waitFor();
    Cli.Result r = cli.run("remove", "a");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(cli.run("exists", "a").exit()).isEqualTo(1);
  }
}
