package org.unionfs.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The typed attribute views; each reads and writes through the union when called, never before. */
final class UnionAttributeViews {
  private UnionAttributeViews() {}

  /** The view of {@code type} on {@code p}, or null if the union has no such view. */
  @SuppressWarnings("unchecked")
  static <V extends FileAttributeView> V of(UnionNioFileSystem fs, UnionPath p, Class<V> type, boolean follow) {
    if (type == BasicFileAttributeView.class) {
      return (V) new Posix(fs, p, follow, "basic");
    } else if (type == FileOwnerAttributeView.class) {
      return (V) new Posix(fs, p, follow, "owner");
    } else if (type == PosixFileAttributeView.class) {
      return (V) new Posix(fs, p, follow, "posix");
    } else if (type == UserDefinedFileAttributeView.class) {
      return (V) new User(fs, p, follow);
    }
    return null;
  }

  /** basic, owner and posix: one implementation answering to the name it was asked by. */
  private record Posix(UnionNioFileSystem fs, UnionPath p, boolean follow, String name)
      implements PosixFileAttributeView {
    @Override
    public PosixFileAttributes readAttributes() throws IOException {
      return fs.attributes().read(p, follow);
    }

    @Override
    public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime)
        throws IOException {
      String real = fs.ops().realPath(p, follow);
      try {
        fs.attributes().setTimes(real, lastModifiedTime, lastAccessTime);
      } catch (IOException e) {
        throw Errors.on(e, p, null);
      }
    }

    @Override
    public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
      fs.attributes().set(p, "posix:permissions", perms, follow);
    }

    @Override
    public void setGroup(GroupPrincipal group) throws IOException {
      fs.attributes().set(p, "posix:group", group, follow);
    }

    @Override
    public UserPrincipal getOwner() throws IOException {
      return readAttributes().owner();
    }

    @Override
    public void setOwner(UserPrincipal owner) throws IOException {
      fs.attributes().set(p, "posix:owner", owner, follow);
    }
  }

  /** {@code user.*} xattrs, named without the prefix, as the default provider's view on Linux. */
  private record User(UnionNioFileSystem fs, UnionPath p, boolean follow) implements UserDefinedFileAttributeView {
    private static final String PREFIX = "user.";

    @Override
    public String name() {
      return "user";
    }

    @Override
    public List<String> list() throws IOException {
      String real = fs.ops().realPath(p, follow);
      List<String> out = new ArrayList<>();
      try {
        for (String n : fs.ops().union().listxattr(real)) {
          if (n.startsWith(PREFIX)) {
            out.add(n.substring(PREFIX.length()));
          }
        }
      } catch (IOException e) {
        throw Errors.on(e, p, null);
      }
      return out;
    }

    private byte[] get(String name) throws IOException {
      String real = fs.ops().realPath(p, follow);
      try {
        return fs.ops().union().getxattr(real, PREFIX + name);
      } catch (IOException e) {
        throw Errors.on(e, p, null);
      }
    }

    @Override
    public int size(String name) throws IOException {
      return get(name).length;
    }

    @Override
    public int read(String name, ByteBuffer dst) throws IOException {
      byte[] v = get(name);
      if (dst.remaining() < v.length) {
        throw new FileSystemException(p.toString(), null, "Error reading extended attribute '" + name
            + "': Insufficient space in buffer");
      }
      dst.put(v);
      return v.length;
    }

    @Override
    public int write(String name, ByteBuffer src) throws IOException {
      int n = src.remaining();
      fs.attributes().set(p, "user:" + name, src, follow);
      return n;
    }

    @Override
    public void delete(String name) throws IOException {
      fs.attributes().set(p, "xattr:" + PREFIX + name, null, follow);
    }
  }
}
