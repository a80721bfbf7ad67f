package org.unionfs.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same sequence of {@code Files.*} calls on a union ({@code union:} path, a read-write branch over a
 * read-only one) and on a plain directory of the default file system: every result and exception type
 * must be equal, and so must the resulting trees (jimfs's real-filesystem oracle, applied to a union).
 */
class ProviderOracleTest {
  @TempDir
  Path tmp;

  /** One scenario: calls on a root, each recorded in the log. */
  @FunctionalInterface
  interface Scenario {
    void run(Path root, Log log) throws Exception;
  }

  /** Records each step's result (rendered relative to the root) or exception type. */
  static final class Log {
    final Path root;
    final List<String> lines = new ArrayList<>();

    Log(Path root) {
      this.root = root;
    }

    void step(String what, Callable<Object> call) {
      try {
        lines.add(what + " -> " + render(call.call()));
      } catch (Exception e) {
        // the reason's last clause, as the union words it like strerror: "... : No data available"
        String reason = e instanceof FileSystemException f && f.getReason() != null
            && jdkClass(e.getClass()) == FileSystemException.class
            ? " (" + f.getReason().substring(f.getReason().lastIndexOf(": ") + 1).trim().toLowerCase()
                .replaceAll("\\s*\\(errno \\d+\\)$", "") + ")" : "";
        lines.add(what + " !! " + jdkClass(e.getClass()).getSimpleName() + reason);
      }
    }

    /** The nearest JDK exception type: the union's own subtypes count as what they extend. */
    private static Class<?> jdkClass(Class<?> c) {
      while (!c.getName().startsWith("java.")) {
        c = c.getSuperclass();
      }
      return c;
    }

    private String render(Object o) {
      if (o instanceof Path p) {
        return p.isAbsolute() ? "/" + root.relativize(p) : p.toString();
      }
      if (o instanceof byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
      }
      if (o instanceof List<?> l) {
        List<String> out = new ArrayList<>();
        l.forEach(x -> out.add(render(x)));
        return out.toString();
      }
      return String.valueOf(o);
    }
  }

  static Map<String, Scenario> scenarios() {
    Map<String, Scenario> s = new TreeMap<>();
    s.put("files", (r, log) -> {
      Path f = r.resolve("f.txt");
      log.step("createFile", () -> Files.createFile(f));
      log.step("createFile again", () -> Files.createFile(f));
      log.step("write", () -> Files.writeString(f, "hello"));
      log.step("append", () -> Files.writeString(f, " world", StandardOpenOption.APPEND));
      log.step("read", () -> Files.readString(f));
      log.step("size", () -> Files.size(f));
      log.step("exists", () -> Files.exists(f));
      log.step("isRegularFile", () -> Files.isRegularFile(f));
      log.step("read missing", () -> Files.readString(r.resolve("missing")));
      log.step("write under a file", () -> Files.writeString(f.resolve("x"), "x"));
      log.step("newOutputStream truncates", () -> {
        try (OutputStream out = Files.newOutputStream(f)) {
          out.write('Z');
        }
        return Files.readString(f);
      });
      log.step("CREATE_NEW existing", () -> Files.newByteChannel(f, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE));
      log.step("delete", () -> {
        Files.delete(f);
        return Files.exists(f);
      });
      log.step("delete missing", () -> {
        Files.delete(f);
        return null;
      });
      log.step("deleteIfExists", () -> Files.deleteIfExists(f));
      log.step("perms on create", () -> {
        Path g = Files.createFile(r.resolve("g"), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxrwxrwx")));
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(g));
      });
      log.step("write dir", () -> Files.writeString(r, "x"));
      log.step("read dir", () -> Files.readAllBytes(r));
      log.step("createDirectory over file", () -> Files.createDirectory(r.resolve("g")));
      log.step("move onto itself", () -> Files.move(r.resolve("g"), r.resolve("g")));
      log.step("size through link", () -> {
        Files.createSymbolicLink(r.resolve("lg"), r.getFileSystem().getPath("g"));
        return Files.size(r.resolve("lg")) + " " + Files.size(r.resolve("g"));
      });
      log.step("list through dir link", () -> {
        Files.createDirectories(r.resolve("sub/inner"));
        Files.createSymbolicLink(r.resolve("ls"), r.getFileSystem().getPath("sub"));
        return sortedNames(r.resolve("ls"), "*");
      });
      log.step("truncate on open", () -> {
        Files.writeString(r.resolve("t"), "0123456789");
        try (SeekableByteChannel c = Files.newByteChannel(r.resolve("t"), StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          return c.size();
        }
      });
    });
    s.put("directories", (r, log) -> {
      log.step("createDirectory", () -> Files.createDirectory(r.resolve("d")));
      log.step("createDirectory again", () -> Files.createDirectory(r.resolve("d")));
      log.step("createDirectory no parent", () -> Files.createDirectory(r.resolve("x/y")));
      log.step("createDirectories", () -> Files.createDirectories(r.resolve("d/e/f")));
      log.step("write files", () -> {
        Files.writeString(r.resolve("d/a.txt"), "a");
        Files.writeString(r.resolve("d/b.log"), "b");
        return Files.writeString(r.resolve("d/.hidden"), "h");
      });
      log.step("delete non-empty", () -> {
        Files.delete(r.resolve("d"));
        return null;
      });
      log.step("list", () -> sortedNames(r.resolve("d"), "*"));
      log.step("glob", () -> sortedNames(r.resolve("d"), "*.txt"));
      log.step("isHidden", () -> Files.isHidden(r.resolve("d/.hidden")));
      log.step("list a file", () -> sortedNames(r.resolve("d/a.txt"), "*"));
      log.step("walk", () -> {
        try (Stream<Path> w = Files.walk(r.resolve("d"))) {
          return w.map(p -> r.relativize(p).toString()).sorted().toList();
        }
      });
      log.step("delete empty", () -> {
        Files.delete(r.resolve("d/e/f"));
        return Files.exists(r.resolve("d/e/f"));
      });
      log.step("isDirectory", () -> Files.isDirectory(r.resolve("d/e")));
    });
    s.put("symlinks", (r, log) -> {
      Files.createDirectories(r.resolve("dir/sub"));
      Files.writeString(r.resolve("dir/sub/file"), "content");
      log.step("link to file", () -> Files.createSymbolicLink(r.resolve("lf"), Path.of("dir/sub/file").getFileSystem()
          == r.getFileSystem() ? Path.of("dir/sub/file") : r.getFileSystem().getPath("dir/sub/file")));
      log.step("read through", () -> Files.readString(r.resolve("lf")));
      log.step("readSymbolicLink", () -> Files.readSymbolicLink(r.resolve("lf")));
      log.step("readSymbolicLink of file", () -> Files.readSymbolicLink(r.resolve("dir/sub/file")));
      log.step("isSymbolicLink", () -> Files.isSymbolicLink(r.resolve("lf")));
      log.step("isRegularFile follows", () -> Files.isRegularFile(r.resolve("lf")));
      log.step("isRegularFile nofollow", () -> Files.isRegularFile(r.resolve("lf"), LinkOption.NOFOLLOW_LINKS));
      log.step("link to dir", () -> Files.createSymbolicLink(r.resolve("ld"), r.getFileSystem().getPath("dir")));
      log.step("through dir link", () -> Files.readString(r.resolve("ld/sub/file")));
      log.step("absolute-free relative ..", () -> Files.readString(r.resolve("ld/sub/../sub/file")));
      log.step("dangling", () -> Files.createSymbolicLink(r.resolve("dangling"), r.getFileSystem().getPath("nowhere")));
      log.step("exists dangling", () -> Files.exists(r.resolve("dangling")));
      log.step("exists dangling nofollow", () -> Files.exists(r.resolve("dangling"), LinkOption.NOFOLLOW_LINKS));
      log.step("write through dangling", () -> Files.writeString(r.resolve("dangling"), "made"));
      log.step("target made", () -> Files.readString(r.resolve("nowhere")));
      log.step("loop", () -> {
        Files.createSymbolicLink(r.resolve("l1"), r.getFileSystem().getPath("l2"));
        Files.createSymbolicLink(r.resolve("l2"), r.getFileSystem().getPath("l1"));
        return Files.readString(r.resolve("l1"));
      });
      log.step("open nofollow", () -> Files.newByteChannel(r.resolve("lf"), LinkOption.NOFOLLOW_LINKS));
      log.step("toRealPath", () -> r.resolve("ld/sub/file").toRealPath());
      log.step("toRealPath nofollow", () -> r.resolve("lf").toRealPath(LinkOption.NOFOLLOW_LINKS));
      log.step("delete link only", () -> {
        Files.delete(r.resolve("ld"));
        return Files.exists(r.resolve("dir/sub/file"));
      });
    });
    s.put("hardlinks", (r, log) -> {
      Files.writeString(r.resolve("a"), "shared");
      log.step("createLink", () -> Files.createLink(r.resolve("b"), r.resolve("a")));
      log.step("isSameFile", () -> Files.isSameFile(r.resolve("a"), r.resolve("b")));
      log.step("nlink", () -> Files.getAttribute(r.resolve("a"), "unix:nlink"));
      log.step("write through b", () -> Files.writeString(r.resolve("b"), "changed"));
      log.step("read a", () -> Files.readString(r.resolve("a")));
      log.step("fileKeys equal", () -> Files.readAttributes(r.resolve("a"), BasicFileAttributes.class).fileKey()
          .equals(Files.readAttributes(r.resolve("b"), BasicFileAttributes.class).fileKey()));
      log.step("link exists", () -> Files.createLink(r.resolve("b"), r.resolve("a")));
      log.step("isSameFile other", () -> {
        Files.writeString(r.resolve("c"), "shared");
        return Files.isSameFile(r.resolve("a"), r.resolve("c"));
      });
    });
    s.put("moveCopy", (r, log) -> {
      Files.writeString(r.resolve("a"), "A");
      Files.writeString(r.resolve("b"), "B");
      Files.createDirectories(r.resolve("d/e"));
      Files.writeString(r.resolve("d/e/f"), "F");
      log.step("move onto existing", () -> Files.move(r.resolve("a"), r.resolve("b")));
      log.step("move replace", () -> Files.move(r.resolve("a"), r.resolve("b"), StandardCopyOption.REPLACE_EXISTING));
      log.step("read b", () -> Files.readString(r.resolve("b")));
      log.step("move atomic", () -> Files.move(r.resolve("b"), r.resolve("c"), StandardCopyOption.ATOMIC_MOVE));
      log.step("move dir", () -> Files.move(r.resolve("d"), r.resolve("d2")));
      log.step("read moved", () -> Files.readString(r.resolve("d2/e/f")));
      log.step("move missing", () -> Files.move(r.resolve("nope"), r.resolve("x")));
      log.step("copy", () -> Files.copy(r.resolve("c"), r.resolve("c2")));
      log.step("copy onto existing", () -> Files.copy(r.resolve("c"), r.resolve("c2")));
      log.step("copy replace", () -> Files.copy(r.resolve("d2/e/f"), r.resolve("c2"), StandardCopyOption.REPLACE_EXISTING));
      log.step("copy dir (shallow)", () -> Files.copy(r.resolve("d2"), r.resolve("d3")));
      log.step("copy attrs", () -> {
        Files.setLastModifiedTime(r.resolve("c"), FileTime.from(Instant.parse("2020-01-02T03:04:05.123456Z")));
        Files.setPosixFilePermissions(r.resolve("c"), PosixFilePermissions.fromString("rwx--x---"));
        Files.copy(r.resolve("c"), r.resolve("c3"), StandardCopyOption.COPY_ATTRIBUTES);
        return Files.getLastModifiedTime(r.resolve("c3")) + " "
            + PosixFilePermissions.toString(Files.getPosixFilePermissions(r.resolve("c3")));
      });
      log.step("copy symlink nofollow", () -> {
        Files.createSymbolicLink(r.resolve("sl"), r.getFileSystem().getPath("c"));
        Files.copy(r.resolve("sl"), r.resolve("sl2"), LinkOption.NOFOLLOW_LINKS);
        return Files.readSymbolicLink(r.resolve("sl2"));
      });
      log.step("copy symlink follows", () -> Files.copy(r.resolve("sl"), r.resolve("sl3")));
      log.step("copy from stream", () -> {
        try (InputStream in = new java.io.ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8))) {
          return Files.copy(in, r.resolve("s"));
        }
      });
      log.step("copy same file", () -> Files.copy(r.resolve("c"), r.resolve("c"), StandardCopyOption.REPLACE_EXISTING));
      log.step("move dir onto non-empty dir", () -> Files.move(r.resolve("d3"), r.resolve("d2"),
          StandardCopyOption.REPLACE_EXISTING));
    });
    s.put("channels", (r, log) -> {
      Path f = r.resolve("ch");
      log.step("positional write past end", () -> {
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.READ)) {
          c.write(ByteBuffer.wrap("end".getBytes(StandardCharsets.UTF_8)), 5);
          ByteBuffer b = ByteBuffer.allocate(10);
          int n = c.read(b, 0);
          return n + " " + c.size() + " " + c.position() + " " + java.util.Arrays.toString(java.util.Arrays.copyOf(b.array(), n));
        }
      });
      log.step("sequential + position", () -> {
        try (SeekableByteChannel c = Files.newByteChannel(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
          c.write(ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)));
          c.position(6);
          ByteBuffer b = ByteBuffer.allocate(4);
          int n = c.read(b);
          int eof = c.read(ByteBuffer.allocate(1));
          return n + " " + eof + " " + c.position();
        }
      });
      log.step("truncate", () -> {
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
          c.position(7);
          c.truncate(3);
          c.truncate(100);
          c.force(true);
          return c.size() + " " + c.position();
        }
      });
      log.step("append", () -> {
        try (SeekableByteChannel c = Files.newByteChannel(f, StandardOpenOption.APPEND)) {
          c.write(ByteBuffer.wrap("++".getBytes(StandardCharsets.UTF_8)));
          return c.position() + " " + c.size();
        }
      });
      log.step("read-only channel write", () -> {
        try (SeekableByteChannel c = Files.newByteChannel(f)) {
          return c.write(ByteBuffer.allocate(1));
        }
      });
      log.step("closed channel", () -> {
        SeekableByteChannel c = Files.newByteChannel(f);
        c.close();
        return c.read(ByteBuffer.allocate(1));
      });
      log.step("READ+APPEND", () -> Files.newByteChannel(f, StandardOpenOption.READ, StandardOpenOption.APPEND));
      log.step("transferTo", () -> {
        try (FileChannel in = FileChannel.open(f);
            FileChannel out = FileChannel.open(r.resolve("copy"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          return in.transferTo(0, in.size(), out);
        }
      });
      log.step("delete on close", () -> {
        try (SeekableByteChannel c = Files.newByteChannel(r.resolve("tmpfile"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
          c.write(ByteBuffer.wrap(new byte[3]));
        }
        return Files.exists(r.resolve("tmpfile"));
      });
    });
    s.put("attributes", (r, log) -> {
      Path f = Files.writeString(r.resolve("f"), "x");
      Path d = Files.createDirectory(r.resolve("d"));
      log.step("set posix perms", () -> {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
      });
      log.step("unix:mode setuid", () -> {
        Files.setAttribute(f, "unix:mode", 04750);
        return Integer.toOctalString((Integer) Files.getAttribute(f, "unix:mode"));
      });
      log.step("unix names", () -> new java.util.TreeSet<>(Files.readAttributes(f, "unix:*").keySet()));
      log.step("posix names", () -> new java.util.TreeSet<>(Files.readAttributes(f, "posix:*").keySet()));
      log.step("basic subset", () -> new java.util.TreeSet<>(Files.readAttributes(f, "size,isDirectory").entrySet()).toString());
      log.step("unknown attr", () -> Files.readAttributes(f, "basic:nope"));
      log.step("unknown view", () -> Files.readAttributes(f, "zzz:*"));
      log.step("mtime ns", () -> {
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2001-02-03T04:05:06.987654321Z")));
        return Files.getLastModifiedTime(f);
      });
      log.step("owner names", () -> Files.getOwner(f).getName() + " " + Files.readAttributes(f,
          java.nio.file.attribute.PosixFileAttributes.class).group().getName());
      log.step("view times", () -> {
        Files.getFileAttributeView(d, PosixFileAttributeView.class).setTimes(
            FileTime.from(Instant.parse("2010-01-01T00:00:00Z")), null, null);
        return Files.getLastModifiedTime(d);
      });
      log.step("user xattrs", () -> {
        UserDefinedFileAttributeView x = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        x.write("k1", ByteBuffer.wrap("v1".getBytes(StandardCharsets.UTF_8)));
        Files.setAttribute(f, "user:k2", "v2".getBytes(StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>(x.list());
        names.sort(null);
        int size = x.size("k1");
        x.delete("k2");
        return names + " " + size + " " + x.list();
      });
      log.step("user read map", () -> new String((byte[]) Files.readAttributes(f, "user:k1").get("k1"),
          StandardCharsets.UTF_8));
      log.step("user missing", () -> Files.getFileAttributeView(f, UserDefinedFileAttributeView.class).size("zz"));
      log.step("nofollow on link", () -> {
        Files.createSymbolicLink(r.resolve("l"), r.getFileSystem().getPath("f"));
        return Files.readAttributes(r.resolve("l"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .isSymbolicLink() + " " + Files.readAttributes(r.resolve("l"), BasicFileAttributes.class).isSymbolicLink();
      });
      log.step("access", () -> {
        r.getFileSystem().provider().checkAccess(f, AccessMode.READ, AccessMode.WRITE);
        return Files.isReadable(f) + " " + Files.isWritable(f) + " " + Files.isExecutable(r.resolve("nope"));
      });
      log.step("dir nlink", () -> {
        Files.createDirectory(d.resolve("sub"));
        return Files.getAttribute(d, "unix:nlink");
      });
      log.step("file store", () -> Files.getFileStore(f).getTotalSpace() > 0);
    });
    return s;
  }

  static List<String> sortedNames(Path dir, String glob) throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    }
    out.sort(null);
    return out;
  }

  static List<String> names() {
    return new ArrayList<>(scenarios().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void scenario_onUnion_equalsPlainDirectory(String name) throws Exception {
    Scenario scenario = scenarios().get(name);
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    Log expected = new Log(plain);
    scenario.run(plain, expected);

    Path upper = Files.createDirectory(tmp.resolve("upper"));
    Path lower = Files.createDirectory(tmp.resolve("lower"));
    try (FileSystem fs = UnionFileSystems.open(org.unionfs.api.union.UnionConfig.of(upper, List.of(lower)))) {
      Path root = fs.getPath("/");
      Log actual = new Log(root);
      scenario.run(root, actual);
      assertThat(String.join("\n", actual.lines)).as("results on the union")
          .isEqualTo(String.join("\n", expected.lines));
      assertThat(TreeSnapshot.of(root)).as("tree of the union").isEqualTo(TreeSnapshot.of(plain));
    }
  }
}
