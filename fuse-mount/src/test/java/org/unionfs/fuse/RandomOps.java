package org.unionfs.fuse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.posix.PosixException;

/**
 * Random sequences of file operations over a small name space, applied the same way to any root, with
 * each operation's visible outcome as a string ("ok ..." or the error), and the visible state of a tree.
 */
final class RandomOps {
  private static final String[] DIRS = {"", "d0/", "d1/", "d0/e/"};
  private static final String[] NAMES = {"f0", "f1", "f2", "d0", "d1", "e", "l0"};

  /** One operation, described by its kind and arguments (the same for every root). */
  record Op(int kind, String a, String b, long n, byte[] data) {
    @Override
    public String toString() {
      return KINDS[kind] + " " + a + (b == null ? "" : " " + b) + " n=" + n
          + (data == null ? "" : " len=" + data.length);
    }
  }

  static final String[] KINDS = {"write", "append", "truncate", "mkdir", "rmdir", "unlink", "rename",
      "chmod", "chown", "symlink", "link", "setxattr", "removexattr", "utimens", "read", "list",
      "writeAt", "mkfifo", "readUnlinked"};

  private static final java.util.Set<String> DATA_OPS =
      java.util.Set.of("write", "append", "truncate", "read", "writeAt", "readUnlinked", "list");

  private RandomOps() {}

  /** A fifo, or a symlink to one: opening it would block. */
  private static boolean isFifo(Path p) {
    try {
      if (Posix.get().lstatIfExists(p).map(FileStat::isFifo).orElse(false)) {
        return true;
      }
    } catch (IOException e) {
      return false;
    }
    return Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p);
  }

  static String randomPath(Random r) {
    return DIRS[r.nextInt(DIRS.length)] + NAMES[r.nextInt(NAMES.length)];
  }

  static List<Op> sequence(long seed, int length) {
    Random r = new Random(seed);
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      int kind = r.nextInt(KINDS.length);
      byte[] data = new byte[r.nextInt(3000)];
      r.nextBytes(data);
      ops.add(new Op(kind, randomPath(r), randomPath(r), r.nextInt(5000), data));
    }
    return ops;
  }

  /** Builds a lower tree for the sequences (files, dirs, a symlink, a hard link, xattrs). */
  static void lowerTree(Path root, long seed) throws IOException {
    Random r = new Random(seed ^ 0x5DEECE66DL);
    Files.createDirectories(root.resolve("d0/e"));
    Files.createDirectories(root.resolve("d1"));
    for (String d : DIRS) {
      for (String f : new String[] {"f0", "f1"}) {
        if (r.nextBoolean()) {
          byte[] b = new byte[r.nextInt(5000)];
          r.nextBytes(b);
          Files.write(root.resolve(d + f), b);
        }
      }
    }
    Files.writeString(root.resolve("d1/f2"), "lower file\n");
    Posix.get().setXattr(root.resolve("d1/f2"), "user.lower", "yes".getBytes(StandardCharsets.UTF_8));
    Files.createLink(root.resolve("d1/l0"), root.resolve("d1/f2"));
    Files.createSymbolicLink(root.resolve("d0/l0"), Path.of("../d1/f2"));
    Files.writeString(root.resolve("d0/e/f2"), "deep\n");
  }

  /** Applies {@code op} under {@code root}; returns what a caller could see of the result. */
  static String apply(Path root, Op op) {
    Path a = root.resolve(op.a());
    Path b = root.resolve(op.b());
    Posix px = Posix.get();
    try {
      if (DATA_OPS.contains(KINDS[op.kind()]) && isFifo(a)) {
        return "skip (fifo)"; // opening it would block
      }
      switch (KINDS[op.kind()]) {
        case "write" -> Files.write(a, op.data(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        case "append" -> Files.write(a, op.data(), StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        case "truncate" -> {
          try (FileChannel ch = FileChannel.open(a, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ch.truncate(op.n());
          }
        }
        case "mkdir" -> Files.createDirectory(a);
        case "rmdir" -> {
          if (!Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
            return "skip (not a directory)";
          }
          Files.delete(a);
        }
        case "unlink" -> {
          if (Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
            return "skip (directory)";
          }
          Files.delete(a);
        }
        case "rename" -> Files.move(a, b, StandardCopyOption.ATOMIC_MOVE);
        case "chmod" -> {
          if (Files.isSymbolicLink(a)) {
            return "skip (symlink)";
          }
          px.chmod(a, (int) (op.n() & 0777) | 0400); // NIO would open the file: a fifo blocks
        }
        case "chown" -> px.lchown(a, (int) (op.n() % 3) * 1000, (int) (op.n() % 5) * 1000);
        case "symlink" -> Files.createSymbolicLink(a, Path.of(op.b()));
        case "link" -> Files.createLink(b, a);
        case "setxattr" -> px.setXattr(a, "user.k" + op.n() % 3, op.b().getBytes(StandardCharsets.UTF_8));
        case "removexattr" -> {
          px.lstat(a);
          px.removeXattr(a, "user.k" + op.n() % 3);
        }
        case "utimens" -> {
          px.setTimes(a, 1_000_000 + op.n(), op.n() * 1000 + 7, 2_000_000 + op.n(), op.n() * 999 + 3);
          FileStat s = px.lstat(a);
          return "ok " + s.atimeSec() + "." + s.atimeNsec() + " " + s.mtimeSec() + "." + s.mtimeNsec();
        }
        case "read" -> {
          try (FileChannel ch = FileChannel.open(a, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer all = ByteBuffer.allocate((int) ch.size());
            ch.read(all, 0);
            return "ok " + sha(all.array());
          }
        }
        case "list" -> {
          try (Stream<Path> s = Files.list(a)) {
            return "ok " + s.map(p -> p.getFileName().toString()).sorted().toList();
          }
        }
        case "writeAt" -> {
          try (FileChannel ch = FileChannel.open(a, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ch.write(ByteBuffer.wrap(op.data()), op.n() * 3);
          }
        }
        case "mkfifo" -> px.mknod(a, FileStat.S_IFIFO | 0644, 0);
        case "readUnlinked" -> {
          if (!Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS)) {
            return "skip (not a file)";
          }
          try (FileChannel ch = FileChannel.open(a, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Files.delete(a);
            ch.write(ByteBuffer.wrap(op.data()), op.n());
            // read to the end without fstat: under libfuse2 with hard_remove, fstat of an unlinked
            // file fails (libfuse2 looks its path up); read and write go by handle
            ByteBuffer all = ByteBuffer.allocate(16384);
            while (ch.read(all, all.position()) > 0) {
              // until end of file
            }
            return "ok " + Files.exists(a, LinkOption.NOFOLLOW_LINKS) + " "
                + sha(java.util.Arrays.copyOf(all.array(), all.position()));
          }
        }
        default -> throw new IllegalArgumentException(op.toString());
      }
      return "ok";
    } catch (PosixException e) {
      return "errno " + e.errno();
    } catch (AtomicMoveNotSupportedException e) {
      return "EXDEV";
    } catch (FileSystemException e) {
      return e.getClass().getSimpleName() + (e.getClass() == FileSystemException.class ? " " + e.getReason() : "");
    } catch (IOException e) {
      return e.getClass().getSimpleName() + " " + e.getMessage();
    }
  }

  /**
   * What a user sees of the tree: per path its type, mode, owner, size, content hash, symlink target,
   * link count (non-directories) and user xattrs, plus which names are hard links of each other.
   */
  static TreeMap<String, String> snapshot(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    TreeMap<Long, List<String>> byIno = new TreeMap<>();
    Posix px = Posix.get();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted().toList()) {
        String rel = root.relativize(p).toString();
        FileStat s = px.lstat(p);
        StringBuilder d = new StringBuilder();
        d.append(Integer.toOctalString(s.mode())).append(' ').append(s.uid()).append(':').append(s.gid());
        if (s.isRegularFile()) {
          d.append(" size=").append(s.size()).append(" sha=").append(sha(Files.readAllBytes(p)));
          d.append(" nlink=").append(s.nlink());
          if (s.nlink() > 1) {
            byIno.computeIfAbsent(s.ino(), k -> new ArrayList<>()).add(rel);
          }
        } else if (s.isSymbolicLink()) {
          d.append(" -> ").append(Files.readSymbolicLink(p));
        }
        List<String> xattrs = new ArrayList<>();
        for (String name : px.listXattrs(p)) {
          if (name.startsWith("user.")) {
            xattrs.add(name + "=" + new String(px.getXattr(p, name).orElse(new byte[0]), StandardCharsets.UTF_8));
          }
        }
        if (!xattrs.isEmpty()) {
          d.append(" xattrs=").append(xattrs.stream().sorted().toList());
        }
        out.put(rel.isEmpty() ? "." : rel, d.toString());
      }
    }
    byIno.values().forEach(names -> out.put("#hardlinks " + names.stream().sorted().toList(), ""));
    return out;
  }

  static String sha(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
