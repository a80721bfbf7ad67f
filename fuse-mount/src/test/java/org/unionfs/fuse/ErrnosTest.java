package org.unionfs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.LayerExistsException;
import org.unionfs.api.error.LayerInUseException;
import org.unionfs.api.error.LayerNotFoundException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.posix.PosixException;
import org.unionfs.api.union.IsDirectoryException;

class ErrnosTest {

  /** One instance of every row's type, with the errno Linux uses for it. */
  private static final Map<Throwable, Integer> EXPECTED = Map.ofEntries(
      Map.entry(new NoSuchFileException("/a"), 2),
      Map.entry(new LayerNotFoundException("layer x"), 2),
      Map.entry(new FileAlreadyExistsException("/a"), 17),
      Map.entry(new LayerExistsException("layer x"), 17),
      Map.entry(new DirectoryNotEmptyException("/a"), 39),
      Map.entry(new NotDirectoryException("/a"), 20),
      Map.entry(new IsDirectoryException("/a"), 21),
      Map.entry(new NotLinkException("/a"), 22),
      Map.entry(new AccessDeniedException("/a"), 13),
      Map.entry(new ReadOnlyFileSystemException(), 30),
      Map.entry(new LayerInUseException("layer x"), 16),
      Map.entry(new AtomicMoveNotSupportedException("/a", "/b", "cross"), 18),
      Map.entry(new ClosedChannelException(), 9),
      Map.entry(new FileSystemLoopException("/a"), 40),
      Map.entry(new InvalidArgumentException("bad"), 22),
      Map.entry(new NotSupportedException("no"), 95),
      Map.entry(new UnsupportedOperationException("no"), 95));

  @Test
  void toErrno_everyRow_givesLinuxValue() {
    for (Errnos.Row row : Errnos.rows()) {
      Throwable sample = EXPECTED.keySet().stream().filter(t -> t.getClass() == row.type()).findFirst()
          .orElseThrow(() -> new AssertionError("no sample for row " + row));
      assertThat(Errnos.toErrno(sample)).as(row.toString()).isEqualTo(EXPECTED.get(sample));
      assertThat(Errnos.toErrno(sample)).as(row.toString()).isEqualTo(row.errno().value());
      assertThat(Errnos.answer("op", "/p", sample)).isEqualTo(-row.errno().value());
    }
    assertThat(Errnos.rows()).hasSize(EXPECTED.size());
  }

  @Test
  void rows_typesAreDistinct() {
    Set<Class<?>> types = new HashSet<>();
    for (Errnos.Row row : Errnos.rows()) {
      assertThat(types.add(row.type())).as("duplicate row for " + row.type()).isTrue();
    }
  }

  @Test
  void rows_noRowIsShadowedByAnEarlierSupertype() {
    List<Errnos.Row> rows = Errnos.rows();
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < i; j++) {
        assertThat(rows.get(j).type().isAssignableFrom(rows.get(i).type()))
            .as(rows.get(i).type() + " shadowed by " + rows.get(j).type()).isFalse();
      }
    }
  }

  @Test
  void readOnlyFileSystem_isErofsNotEnotsup() {
    // ReadOnlyFileSystemException extends UnsupportedOperationException
    assertThat(Errnos.toErrno(new ReadOnlyFileSystemException())).isEqualTo(Errno.EROFS.value());
  }

  @Test
  void posixException_passesItsErrnoThrough() {
    for (int errno : new int[] {1, 36, 28, 61, 31, 40, 22, 95}) {
      PosixException e = new PosixException("/a", null, "op", errno, "msg");
      assertThat(Errnos.toErrno(e)).isEqualTo(errno);
      assertThat(Errnos.isKnown(e)).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Errno.class)
  void fuseErrnoException_answersItsErrno(Errno errno) {
    assertThat(Errnos.answer("op", "/p", new FuseErrnoException(errno, "/p", "why")))
        .isEqualTo(-errno.value());
  }

  @Test
  void unknown_isEioAndUnknown() {
    for (Throwable t : List.of(new IOException("disk"), new FileSystemException("/a"),
        new IllegalStateException("bug"), new NullPointerException(), new OutOfMemoryError())) {
      assertThat(Errnos.isKnown(t)).as(t.toString()).isFalse();
      assertThat(Errnos.toErrno(t)).isEqualTo(5);
      assertThat(Errnos.answer("op", "/p", t)).isEqualTo(-5);
    }
  }

  @Test
  void errnoValues_areLinuxValues() {
    Map<Errno, Integer> linux = Map.ofEntries(Map.entry(Errno.EPERM, 1), Map.entry(Errno.ENOENT, 2),
        Map.entry(Errno.EIO, 5), Map.entry(Errno.EBADF, 9), Map.entry(Errno.EACCES, 13),
        Map.entry(Errno.EBUSY, 16), Map.entry(Errno.EEXIST, 17), Map.entry(Errno.EXDEV, 18),
        Map.entry(Errno.ENOTDIR, 20), Map.entry(Errno.EISDIR, 21), Map.entry(Errno.EINVAL, 22),
        Map.entry(Errno.EFBIG, 27), Map.entry(Errno.ENOSPC, 28), Map.entry(Errno.EROFS, 30),
        Map.entry(Errno.EMLINK, 31), Map.entry(Errno.ERANGE, 34), Map.entry(Errno.ENAMETOOLONG, 36),
        Map.entry(Errno.ENOSYS, 38), Map.entry(Errno.ENOTEMPTY, 39), Map.entry(Errno.ELOOP, 40),
        Map.entry(Errno.ENODATA, 61), Map.entry(Errno.EDQUOT, 122), Map.entry(Errno.EILSEQ, 84),
        Map.entry(Errno.ENOTSUP, 95));
    assertThat(linux).hasSize(Errno.values().length);
    linux.forEach((e, v) -> assertThat(e.value()).as(e.name()).isEqualTo(v));
    linux.forEach((e, v) -> assertThat(Errno.of(v)).isEqualTo(e));
  }

  @Test
  void guard_mapsThrownAndPassesResults() throws Exception {
    assertThat(UnionFuseOperations.guard("read", "/f", () -> 42)).isEqualTo(42);
    assertThat(UnionFuseOperations.guard("x", "/f", () -> {
      throw new NoSuchFileException("/f");
    })).isEqualTo(-2);
    assertThat(UnionFuseOperations.guard("x", "/f", () -> {
      throw new IllegalStateException("bug");
    })).isEqualTo(-5);
    assertThat(UnionFuseOperations.guard("x", "/" + "n".repeat(256), () -> 0)).isEqualTo(-36);
    assertThat(UnionFuseOperations.guard("x", "/d/" + "ü".repeat(128), () -> 0)).isEqualTo(-36);
    assertThat(UnionFuseOperations.guard("x", "/d/" + "ü".repeat(127), () -> 0)).isZero();
    assertThat(UnionFuseOperations.guard("x", "/" + "n".repeat(255) + "/" + "m".repeat(255), () -> 0))
        .isZero();
  }
}
