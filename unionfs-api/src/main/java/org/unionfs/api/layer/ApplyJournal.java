package org.unionfs.api.layer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import org.unionfs.api.error.LayerCorruptException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * The undo journal of one apply: a write-ahead log of every change to content that existed before the
 * apply, kept in {@code <layer>/.wh..wh.unionfs-journal/} (inside the layer, so that every rename stays
 * on one filesystem, and under an aufs metadata name that layer tools never treat as content).
 *
 * <p>Records, each written (one {@code write(2)}) before the action it describes:
 * <ul>
 *   <li>{@code ROOT}: the layer root's times before the apply (the journal directory changes them);
 *   <li>{@code ASIDE n path}: a pre-existing entry is about to be renamed to {@code aside/n};
 *   <li>{@code CREATED path}: an entry is about to be created where nothing pre-existing remains (entries
 *       below a created directory are not logged: removing the directory removes them);
 *   <li>{@code META path ...}: a pre-existing directory's mode, owner, times and the xattrs about to be
 *       set, before the first change to it or inside it;
 *   <li>{@code COMMIT}: the apply is complete; recovery only finishes the clean-up.
 * </ul>
 * Roll-back undoes the records newest first and truncates the log after each undo, so that a roll-back
 * interrupted in turn is resumed exactly. Each record carries a CRC; a torn last record is ignored (its
 * action never started).
 */
final class ApplyJournal implements AutoCloseable {
  static final String DIR_NAME = ".wh..wh.unionfs-journal";
  private static final byte ROOT = 'R';
  private static final byte ASIDE = 'A';
  private static final byte CREATED = 'C';
  private static final byte META = 'M';
  private static final byte COMMIT = 'K';

  private final Path root;
  private final Path dir;
  private final Path aside;
  private final FileChannel log;
  private final FileLock lock;
  private int asideCount;

  private ApplyJournal(Path root, Path dir, FileChannel log, FileLock lock) {
    this.root = root;
    this.dir = dir;
    this.aside = dir.resolve("aside");
    this.log = log;
    this.lock = lock;
  }

  /** Starts a journal in {@code root}, which has none (call {@link #recover} first). */
  static ApplyJournal begin(Path root) throws IOException {
    Posix px = Posix.get();
    FileStat rootStat = px.lstat(root);
    Path dir = root.resolve(DIR_NAME);
    Files.createDirectory(dir);
    Files.createDirectory(dir.resolve("aside"));
    FileChannel ch = FileChannel.open(dir.resolve("log"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.READ);
    FileLock lock = ch.lock();
    ApplyJournal j = new ApplyJournal(root, dir, ch, lock);
    j.append(ROOT, out -> {
      out.writeLong(rootStat.atimeSec());
      out.writeLong(rootStat.atimeNsec());
      out.writeLong(rootStat.mtimeSec());
      out.writeLong(rootStat.mtimeNsec());
    });
    return j;
  }

  /** The directory where aufs pseudo-link targets of this apply are kept (inside the journal). */
  Path scratch() throws IOException {
    Path s = dir.resolve("scratch");
    if (Posix.get().lstatIfExists(s).isEmpty()) {
      Files.createDirectory(s);
    }
    return s;
  }

  /** Moves the pre-existing entry {@code rel} out of the way, keeping it for a roll-back. */
  void moveAside(String rel) throws IOException {
    int n = asideCount++;
    append(ASIDE, out -> {
      out.writeInt(n);
      writeString(out, rel);
    });
    Files.move(root.resolve(rel), aside.resolve(Integer.toString(n)), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Records that {@code rel} is about to be created where nothing pre-existing is. */
  void created(String rel) throws IOException {
    append(CREATED, out -> writeString(out, rel));
  }

  /**
   * Records the metadata of the pre-existing directory {@code rel}, and the current values of the
   * xattrs named in {@code xattrs} (keys), before anything in or of it changes.
   */
  void saveMetadata(String rel, FileStat st, Iterable<String> xattrNames) throws IOException {
    Posix px = Posix.get();
    Path p = root.resolve(rel);
    List<String> names = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (String name : xattrNames) {
      names.add(name);
      values.add(px.getXattr(p, name).orElse(null));
    }
    append(META, out -> {
      writeString(out, rel);
      out.writeInt(st.mode());
      out.writeInt(st.uid());
      out.writeInt(st.gid());
      out.writeLong(st.atimeSec());
      out.writeLong(st.atimeNsec());
      out.writeLong(st.mtimeSec());
      out.writeLong(st.mtimeNsec());
      out.writeInt(names.size());
      for (int i = 0; i < names.size(); i++) {
        writeString(out, names.get(i));
        byte[] v = values.get(i);
        out.writeInt(v == null ? -1 : v.length);
        if (v != null) {
          out.write(v);
        }
      }
    });
  }

  /**
   * Commits: the apply is complete. Removes the journal (and with it what was moved aside), then gives
   * the root the times {@code rootTimes} (seconds, nanoseconds of mtime), if not null.
   */
  void commit(long[] rootTimes) throws IOException {
    append(COMMIT, out -> {
      out.writeBoolean(rootTimes != null);
      if (rootTimes != null) {
        out.writeLong(rootTimes[0]);
        out.writeLong(rootTimes[1]);
      }
    });
    finish(rootTimes);
  }

  private void finish(long[] rootTimes) throws IOException {
    closeLog();
    FileTrees.removeTree(dir);
    if (rootTimes != null) {
      Posix.get().setTimes(root, rootTimes[0], rootTimes[1], rootTimes[0], rootTimes[1]);
    }
  }

  /** Undoes everything recorded, newest first, and removes the journal. */
  void rollback() throws IOException {
    List<Record> records = readRecords(log);
    undo(root, dir, log);
    closeLog();
    finishRollback(root, dir, records);
  }

  @Override
  public void close() throws IOException {
    closeLog();
  }

  private void closeLog() throws IOException {
    if (log.isOpen()) {
      try {
        lock.release();
      } finally {
        log.close();
      }
    }
  }

  /**
   * Finishes an interrupted apply in {@code root}: rolls it back, or completes its clean-up if it had
   * committed.
   *
   * @return true if there was one
   * @throws LayerInUseException if another process is applying to {@code root} right now
   */
  static boolean recover(Path root) throws IOException {
    Path dir = root.resolve(DIR_NAME);
    Posix px = Posix.get();
    Optional<FileStat> st = px.lstatIfExists(dir);
    if (st.isEmpty()) {
      return false;
    }
    if (!st.get().isDirectory()) {
      throw new LayerCorruptException("recover layer " + root + ": " + DIR_NAME + " is not a directory");
    }
    Path logPath = dir.resolve("log");
    if (px.lstatIfExists(logPath).isEmpty()) {
      // Interrupted between creating the directory and the log: nothing was changed yet.
      FileTrees.removeTree(dir);
      return true;
    }
    try (FileChannel ch = FileChannel.open(logPath, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new LayerInUseException("apply layer " + root + ": another apply is in progress");
      }
      try {
        List<Record> records = readRecords(ch);
        Record last = records.isEmpty() ? null : records.get(records.size() - 1);
        if (last != null && last.type == COMMIT) {
          DataInputStream in = last.data();
          long[] times = in.readBoolean() ? new long[] {in.readLong(), in.readLong()} : null;
          lock.release();
          ch.close();
          FileTrees.removeTree(dir);
          if (times != null) {
            px.setTimes(root, times[0], times[1], times[0], times[1]);
          }
          return true;
        }
        undo(root, dir, ch);
        lock.release();
        ch.close();
        finishRollback(root, dir, records);
        return true;
      } finally {
        if (lock.isValid()) {
          lock.release();
        }
      }
    }
  }

  private static void finishRollback(Path root, Path dir, List<Record> records) throws IOException {
    FileTrees.removeTree(dir);
    if (!records.isEmpty() && records.get(0).type == ROOT) {
      DataInputStream in = records.get(0).data();
      long as = in.readLong();
      long an = in.readLong();
      long ms = in.readLong();
      long mn = in.readLong();
      Posix.get().setTimes(root, as, an, ms, mn);
    }
  }

  /** Undoes the records of {@code ch} newest first, truncating after each; keeps the ROOT record. */
  private static void undo(Path root, Path dir, FileChannel ch) throws IOException {
    List<Record> records = readRecords(ch);
    Posix px = Posix.get();
    for (int i = records.size() - 1; i >= 1; i--) {
      Record r = records.get(i);
      DataInputStream in = r.data();
      switch (r.type) {
        case CREATED -> FileTrees.removeTree(root.resolve(readString(in)));
        case ASIDE -> {
          int n = in.readInt();
          Path target = root.resolve(readString(in));
          Path saved = dir.resolve("aside").resolve(Integer.toString(n));
          if (px.lstatIfExists(saved).isPresent()) {
            FileTrees.removeTree(target);
            Files.move(saved, target, StandardCopyOption.ATOMIC_MOVE);
          }
        }
        case META -> restoreMetadata(root, in);
        case COMMIT, ROOT -> { }
        default -> throw new LayerCorruptException("recover layer " + root + ": unknown journal record");
      }
      ch.truncate(r.offset);
    }
  }

  private static void restoreMetadata(Path root, DataInputStream in) throws IOException {
    Posix px = Posix.get();
    Path p = root.resolve(readString(in));
    int mode = in.readInt();
    int uid = in.readInt();
    int gid = in.readInt();
    long as = in.readLong();
    long an = in.readLong();
    long ms = in.readLong();
    long mn = in.readLong();
    int count = in.readInt();
    Optional<FileStat> now = px.lstatIfExists(p);
    if (now.isEmpty() || now.get().isSymbolicLink()) {
      return; // replaced in between and restored by another record
    }
    for (int i = 0; i < count; i++) {
      String name = readString(in);
      int len = in.readInt();
      if (len < 0) {
        px.removeXattr(p, name);
      } else {
        byte[] v = new byte[len];
        in.readFully(v);
        px.setXattr(p, name, v);
      }
    }
    px.lchown(p, uid, gid);
    px.chmod(p, mode);
    px.setTimes(p, as, an, ms, mn);
  }

  // ---- record encoding: [int length][byte type][payload][long crc of type+payload] ----

  @FunctionalInterface
  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private void append(byte type, Body body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0);
    out.writeByte(type);
    body.write(out);
    byte[] rec = bytes.toByteArray();
    int len = rec.length - 4 + 8;
    ByteBuffer bb = ByteBuffer.allocate(rec.length + 8);
    bb.put(rec);
    bb.putInt(0, len);
    CRC32 crc = new CRC32();
    crc.update(rec, 4, rec.length - 4);
    bb.putLong(crc.getValue());
    bb.flip();
    while (bb.hasRemaining()) {
      log.write(bb);
    }
  }

  private record Record(long offset, byte type, byte[] payload) {
    DataInputStream data() {
      return new DataInputStream(new java.io.ByteArrayInputStream(payload));
    }
  }

  private static List<Record> readRecords(FileChannel ch) throws IOException {
    List<Record> out = new ArrayList<>();
    long size = ch.size();
    long pos = 0;
    ByteBuffer lenBuf = ByteBuffer.allocate(4);
    while (pos + 4 <= size) {
      lenBuf.clear();
      ch.read(lenBuf, pos);
      int len = lenBuf.getInt(0);
      if (len < 9 || pos + 4 + len > size) {
        break; // torn tail
      }
      ByteBuffer body = ByteBuffer.allocate(len);
      while (body.hasRemaining() && ch.read(body, pos + 4 + body.position()) > 0) {
        // read fully
      }
      byte[] b = body.array();
      CRC32 crc = new CRC32();
      crc.update(b, 0, len - 8);
      if (crc.getValue() != ByteBuffer.wrap(b, len - 8, 8).getLong()) {
        break;
      }
      out.add(new Record(pos, b[0], java.util.Arrays.copyOfRange(b, 1, len - 8)));
      pos += 4 + len;
    }
    if (pos < size) {
      ch.truncate(pos); // drop the torn tail so later appends and undos line up
    }
    return out;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
