package org.unionfs.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The {@code [FILE|-]} argument of the tar commands: a file, or standard input/output for "-". */
final class Streams {
  /** The argument meaning standard input or output. */
  static final String STDIO = "-";

  private Streams() {}

  /** Opens {@code arg} for reading; "-" is stdin, which is left open. */
  static InputStream input(Io io, String arg) throws IOException {
    if (STDIO.equals(arg)) {
      return new FilterInputStream(io.in()) {
        @Override
        public void close() {
          // stdin belongs to the process
        }
      };
    }
    return new BufferedInputStream(Files.newInputStream(Path.of(arg)), 1 << 16);
  }

  /** Something written to a file or stdout; {@link #commit()} makes a file appear. */
  interface Sink extends AutoCloseable {
    /** Where to write; closing it only flushes. */
    OutputStream stream();

    /** Flushes, and for a file renames the finished temp file into place. */
    void commit() throws IOException;

    /** Without a commit, deletes the temp file: a failed command leaves no partial tar behind. */
    @Override
    void close() throws IOException;
  }

  /** {@code out} with close() turned into flush(): a tar writer closing its stream must not close ours. */
  static OutputStream nonClosing(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  /** Opens {@code arg} for writing; "-" is stdout, which is flushed but left open. */
  static Sink output(Io io, String arg) throws IOException {
    if (STDIO.equals(arg)) {
      return new Sink() {
        private final OutputStream stream = nonClosing(io.out());

        @Override
        public OutputStream stream() {
          return stream;
        }

        @Override
        public void commit() {
          io.out().flush();
        }

        @Override
        public void close() {
          io.out().flush();
        }
      };
    }
    Path target = Path.of(arg).toAbsolutePath();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".unionfs-" + ProcessHandle.current().pid());
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 16);
    return new Sink() {
      private final OutputStream stream = nonClosing(out);
      private boolean committed;

      @Override
      public OutputStream stream() {
        return stream;
      }

      @Override
      public void commit() throws IOException {
        out.close();
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
      }

      @Override
      public void close() throws IOException {
        if (!committed) {
          try {
            out.close();
          } finally {
            Files.deleteIfExists(tmp);
          }
        }
      }
    };
  }
}
