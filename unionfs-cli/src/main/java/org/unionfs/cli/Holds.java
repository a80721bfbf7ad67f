package org.unionfs.cli;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.unionfs.api.LayerIds;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.internal.AtomicFiles;

/**
 * The references {@code unionfs get} took, kept on disk because each command is its own process: a driver
 * counts {@code get}/{@code put} only within one process, so the command line counts across processes.
 *
 * <p>Layout: {@code <home>/.unionfs-cli/holds/<driver>/<id>}, one small properties file per held layer
 * ({@code count}, {@code path}, {@code mounted}, and for a process-bound mount the holder's {@code pid} and
 * {@code started} instant), and {@code .lock} beside them. Every read-modify-write happens under an exclusive
 * {@link FileLock} on {@code .lock}, so concurrent {@code get}/{@code put}/{@code remove} commands take
 * turns. Files are replaced atomically ({@link AtomicFiles}).
 */
final class Holds {
  /** The directory under the home that belongs to the command line, not to any driver. */
  static final String CLI_DIR = ".unionfs-cli";

  private final Path dir;

  /**
   * One held layer.
   *
   * @param count how many {@code get}s are not yet balanced by a {@code put}
   * @param path the root {@code get} printed
   * @param pid the process holding a process-bound mount, or 0 when the mount needs no process
   * @param started when that process started (guards against a recycled pid), or null
   * @param mounted whether {@code path} was a mount point right after the get (a kernel mount that must
   *     still be there for the hold to be good, and that the last put unmounts)
   */
  record Hold(int count, Path path, long pid, Instant started, boolean mounted) {
    Hold withCount(int n) {
      return new Hold(n, path, pid, started, mounted);
    }
  }

  Holds(Path home, String driver) {
    this.dir = home.resolve(CLI_DIR).resolve("holds").resolve(driver);
  }

  /** An exclusive lock over every hold of this driver; blocks until it is free. */
  FileLock lock() throws IOException {
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      return ch.lock(); // closing the lock's channel (FileLock.channel()) releases it
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /** Releases {@code lock} and closes its channel. */
  static void unlock(FileLock lock) throws IOException {
    lock.channel().close();
  }

  /** The hold on {@code id}, if any. Call under {@link #lock()}. */
  Optional<Hold> read(String id) throws IOException {
    Path file = file(id);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    Properties p = new Properties();
    p.load(new StringReader(text));
    try {
      String started = p.getProperty("started");
      return Optional.of(new Hold(Integer.parseInt(p.getProperty("count")), Path.of(p.getProperty("path")),
          Long.parseLong(p.getProperty("pid", "0")), started == null ? null : Instant.parse(started),
          Boolean.parseBoolean(p.getProperty("mounted", "false"))));
    } catch (RuntimeException e) {
      throw new LayerCorruptException("hold record " + file + " of layer " + id + " is unreadable: " + e, e);
    }
  }

  /** Records {@code hold} for {@code id}, replacing any earlier one. Call under {@link #lock()}. */
  void write(String id, Hold hold) throws IOException {
    Properties p = new Properties();
    p.setProperty("count", Integer.toString(hold.count()));
    p.setProperty("path", hold.path().toString());
    p.setProperty("pid", Long.toString(hold.pid()));
    p.setProperty("mounted", Boolean.toString(hold.mounted()));
    if (hold.started() != null) {
      p.setProperty("started", hold.started().toString());
    }
    StringWriter w = new StringWriter();
    p.store(w, "references taken by `unionfs get` on layer " + id);
    AtomicFiles.writeString(file(id), w.toString(), "rw-------");
  }

  /** Forgets the hold on {@code id}. Call under {@link #lock()}. */
  void delete(String id) throws IOException {
    Files.deleteIfExists(file(id));
  }

  private Path file(String id) throws IOException {
    return dir.resolve(LayerIds.require(id));
  }
}
