package org.unionfs.nio;

import java.nio.file.CopyOption;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

/** The open, copy and link options as the provider reads them (jimfs's {@code Options}). */
final class Options {
  private Options() {}

  /** Whether {@code options} hold {@link LinkOption#NOFOLLOW_LINKS}. */
  static boolean noFollow(LinkOption... options) {
    for (LinkOption o : options) {
      if (Objects.requireNonNull(o, "option") == LinkOption.NOFOLLOW_LINKS) {
        return true;
      }
    }
    return false;
  }

  /** The open options of {@code newByteChannel}, checked as the default provider checks them. */
  record Open(boolean read, boolean write, boolean append, boolean truncate, boolean create,
      boolean createNew, boolean deleteOnClose, boolean noFollow, boolean sync) {

    static Open of(Set<? extends OpenOption> options) {
      boolean read = false;
      boolean write = false;
      boolean append = false;
      boolean truncate = false;
      boolean create = false;
      boolean createNew = false;
      boolean deleteOnClose = false;
      boolean noFollow = false;
      boolean sync = false;
      for (OpenOption o : options) {
        if (o == StandardOpenOption.READ) {
          read = true;
        } else if (o == StandardOpenOption.WRITE) {
          write = true;
        } else if (o == StandardOpenOption.APPEND) {
          append = true;
        } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
          truncate = true;
        } else if (o == StandardOpenOption.CREATE) {
          create = true;
        } else if (o == StandardOpenOption.CREATE_NEW) {
          createNew = true;
        } else if (o == StandardOpenOption.DELETE_ON_CLOSE) {
          deleteOnClose = true;
        } else if (o == LinkOption.NOFOLLOW_LINKS) {
          noFollow = true;
        } else if (o == StandardOpenOption.SYNC || o == StandardOpenOption.DSYNC) {
          sync = true;
        } else if (o == StandardOpenOption.SPARSE) {
          continue; // a hint
        } else if (o == null) {
          throw new NullPointerException("open option");
        } else {
          throw new UnsupportedOperationException("open option " + o + " is not supported");
        }
      }
      if (append) {
        write = true;
        if (read) {
          throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (truncate) {
          throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
      }
      if (!read && !write) {
        read = true;
      }
      if (!write) { // creation and truncation need WRITE, as in the default provider
        create = false;
        createNew = false;
        truncate = false;
      }
      return new Open(read, write, append, truncate, create, createNew, deleteOnClose, noFollow, sync);
    }
  }

  /** The options of {@code copy} and {@code move}. */
  record Copy(boolean replace, boolean copyAttributes, boolean atomic, boolean noFollow) {
    static Copy of(CopyOption... options) {
      boolean replace = false;
      boolean attrs = false;
      boolean atomic = false;
      boolean noFollow = false;
      for (CopyOption o : options) {
        if (o == StandardCopyOption.REPLACE_EXISTING) {
          replace = true;
        } else if (o == StandardCopyOption.COPY_ATTRIBUTES) {
          attrs = true;
        } else if (o == StandardCopyOption.ATOMIC_MOVE) {
          atomic = true;
        } else if (o == LinkOption.NOFOLLOW_LINKS) {
          noFollow = true;
        } else if (o == null) {
          throw new NullPointerException("copy option");
        } else {
          throw new UnsupportedOperationException("copy option " + o + " is not supported");
        }
      }
      return new Copy(replace, attrs, atomic, noFollow);
    }
  }
}
