package org.unionfs.nio;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The entries of a merged directory as they were when the stream opened (the engine's listing is a
 * snapshot), each resolved against the directory path as given; filtered lazily. One iterator per
 * stream; after {@link #close()} the iterator ends.
 */
final class UnionDirectoryStream implements DirectoryStream<Path> {
  private final UnionNioFileSystem fs;
  private final UnionPath dir;
  private final List<String> names;
  private final Filter<? super Path> filter;
  private volatile boolean closed;
  private boolean iterated;

  UnionDirectoryStream(UnionNioFileSystem fs, UnionPath dir, List<String> names, Filter<? super Path> filter) {
    this.fs = fs;
    this.dir = dir;
    this.names = names;
    this.filter = filter;
    fs.register(this);
  }

  @Override
  public synchronized Iterator<Path> iterator() {
    if (closed) {
      throw new IllegalStateException("directory stream of " + dir + " is closed");
    }
    if (iterated) {
      throw new IllegalStateException("iterator() already called on the directory stream of " + dir);
    }
    iterated = true;
    return new Iterator<>() {
      private int next;
      private Path ahead;

      @Override
      public boolean hasNext() {
        while (ahead == null && !closed && next < names.size()) {
          Path p = dir.resolve(names.get(next++));
          try {
            if (filter == null || filter.accept(p)) {
              ahead = p;
            }
          } catch (IOException e) {
            throw new DirectoryIteratorException(e);
          }
        }
        return ahead != null;
      }

      @Override
      public Path next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Path p = ahead;
        ahead = null;
        return p;
      }
    };
  }

  @Override
  public void close() {
    closed = true;
    fs.unregister(this);
  }
}
