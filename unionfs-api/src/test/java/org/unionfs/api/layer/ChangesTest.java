package org.unionfs.api.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unionfs.api.Change;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/** {@link LayerTar#changes}: moby's ChangesDirs rules, one test per rule, and graphtest's Changes. */
class ChangesTest {
  @TempDir Path tmp;
  final Posix px = Posix.get();

  Path oldDir;
  Path newDir;

  void trees() throws Exception {
    oldDir = Files.createDirectory(tmp.resolve("old"));
    newDir = Files.createDirectory(tmp.resolve("new"));
  }

  /** Makes {@code rel} in both trees with identical content and times. */
  void both(String rel, String content) throws Exception {
    for (Path root : List.of(oldDir, newDir)) {
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
      px.setTimes(p, 1000, 5, 1000, 5);
    }
  }

  void bothDir(String rel) throws Exception {
    for (Path root : List.of(oldDir, newDir)) {
      Files.createDirectories(root.resolve(rel));
    }
  }

  List<String> changes() throws Exception {
    List<String> out = new ArrayList<>();
    for (Change c : LayerTar.changes(newDir, oldDir)) {
      out.add(c.toString());
    }
    return out;
  }

  @Test
  void graphtestChangesGivesTwentyOneChangesForCountTwenty() throws Exception {
    trees();
    // addManyFiles(base, 20, 3) in both (the upper starts as a copy of the base)
    List<String> expected = new ArrayList<>();
    for (int j = 0; j < 20; j++) {
      both("directory-0/file-" + j, content(3 + j));
    }
    expected.add("C /directory-0");
    for (int j = 0; j < 20; j++) {
      Path p = newDir.resolve("directory-0/file-" + j);
      switch (j % 3) {
        case 0 -> {
          Files.writeString(p, content(6 + j));
          expected.add("C /directory-0/file-" + j);
        }
        case 1 -> {
          Files.writeString(newDir.resolve("directory-0/file-6-" + j), content(6 + j));
          expected.add("A /directory-0/file-6-" + j);
        }
        default -> {
          Files.delete(p);
          expected.add("D /directory-0/file-" + j);
        }
      }
    }
    List<String> actual = changes();
    assertThat(actual).hasSize(21);
    List<Change> sortedExpected = new ArrayList<>();
    for (String s : expected) {
      sortedExpected.add(new Change(s.substring(2), kindOf(s.charAt(0))));
    }
    sortedExpected.sort(Change.BY_PATH);
    assertThat(actual).containsExactlyElementsOf(sortedExpected.stream().map(Change::toString).toList());
  }

  static org.unionfs.api.ChangeKind kindOf(char c) {
    return switch (c) {
      case 'A' -> org.unionfs.api.ChangeKind.ADD;
      case 'D' -> org.unionfs.api.ChangeKind.DELETE;
      default -> org.unionfs.api.ChangeKind.MODIFY;
    };
  }

  static String content(long seed) {
    byte[] b = new byte[64];
    new Random(seed).nextBytes(b);
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void nullParentReportsEverythingAdded() throws Exception {
    trees();
    Files.createDirectories(newDir.resolve("a/b"));
    Files.writeString(newDir.resolve("a/b/f"), "x");
    assertThat(LayerTar.changes(newDir, null)).extracting(Change::toString)
        .containsExactly("A /a", "A /a/b", "A /a/b/f");
  }

  @Test
  void identicalTreesHaveNoChanges() throws Exception {
    trees();
    both("a/f", "x");
    both("g", "y");
    assertThat(changes()).isEmpty();
  }

  @Test
  void addedDirectoryListsEverythingBelowAndDeletedOnlyItsTop() throws Exception {
    trees();
    both("keep", "k");
    Files.createDirectories(newDir.resolve("new/sub"));
    Files.writeString(newDir.resolve("new/sub/f"), "n");
    Files.createDirectories(oldDir.resolve("gone/sub"));
    Files.writeString(oldDir.resolve("gone/sub/f"), "g");
    assertThat(changes()).containsExactly("D /gone", "A /new", "A /new/sub", "A /new/sub/f");
  }

  @Test
  void modeOwnerAndRdevChangesAreModifications() throws Exception {
    trees();
    both("mode", "x");
    both("owner", "x");
    px.chmod(newDir.resolve("mode"), 0600);
    px.lchown(newDir.resolve("owner"), 7, 8);
    for (Path root : List.of(oldDir, newDir)) {
      px.mknod(root.resolve("dev"), FileStat.S_IFCHR | 0600,
          FileStat.makedev(1, root == oldDir ? 3 : 5));
      px.setTimes(root.resolve("dev"), 1, 0, 1, 0);
    }
    assertThat(changes()).containsExactly("C /dev", "C /mode", "C /owner");
  }

  @Test
  void sizeOrMtimeOfAFileIsAModificationWithWholeSecondTolerance() throws Exception {
    trees();
    both("size", "abc");
    both("mtime", "abc");
    both("nsec", "abc");
    both("zeronsec", "abc");
    Files.writeString(newDir.resolve("size"), "abcd");
    px.setTimes(newDir.resolve("size"), 1000, 5, 1000, 5);
    px.setTimes(newDir.resolve("mtime"), 1001, 5, 1001, 5);
    px.setTimes(newDir.resolve("nsec"), 1000, 6, 1000, 6);
    // a tar has whole seconds: 0 ns on one side matches any ns of the same second
    px.setTimes(newDir.resolve("zeronsec"), 1000, 0, 1000, 0);
    assertThat(changes()).containsExactly("C /mtime", "C /nsec", "C /size");
  }

  @Test
  void directorySizeAndMtimeAreIgnored() throws Exception {
    trees();
    bothDir("d");
    px.setTimes(oldDir.resolve("d"), 1, 0, 1, 0);
    px.setTimes(newDir.resolve("d"), 99, 0, 99, 0);
    for (int i = 0; i < 200; i++) {
      Files.writeString(newDir.resolve("d/tmp" + i), "x"); // grows the directory
    }
    for (int i = 0; i < 200; i++) {
      Files.delete(newDir.resolve("d/tmp" + i));
    }
    assertThat(changes()).isEmpty();
  }

  @Test
  void capabilityDifferenceIsAModification() throws Exception {
    trees();
    both("cap", "x");
    both("user", "x");
    byte[] cap = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    px.setXattr(newDir.resolve("cap"), "security.capability", cap);
    px.setXattr(newDir.resolve("user"), "user.other", new byte[] {1});
    // moby compares only security.capability, so a user.* change alone is not a change
    assertThat(changes()).containsExactly("C /cap");
  }

  @Test
  void parentDirectoryOfAChangeGetsAModifyFirst() throws Exception {
    trees();
    both("a/b/keep", "k");
    Files.writeString(newDir.resolve("a/b/added"), "x");
    assertThat(changes()).containsExactly("C /a", "C /a/b", "A /a/b/added");
  }

  @Test
  void fileReplacedByDirectoryIsModifiedWithChildrenAdded() throws Exception {
    trees();
    both("x", "file");
    bothDir("y");
    Files.writeString(oldDir.resolve("y/child"), "c");
    Files.delete(newDir.resolve("x"));
    Files.createDirectory(newDir.resolve("x"));
    Files.writeString(newDir.resolve("x/in"), "i");
    Files.delete(newDir.resolve("y"));
    Files.writeString(newDir.resolve("y"), "now a file");
    // y: the old children are not reported (any previous delete is recursive)
    assertThat(changes()).containsExactly("C /x", "A /x/in", "C /y");
  }

  @Test
  void sameInodeOnBothSidesIsPrunedWithItsSubtree() throws Exception {
    trees();
    Files.createDirectories(tmp.resolve("shared/sub"));
    Files.writeString(tmp.resolve("shared/sub/f"), "x");
    // the same directory reached from both trees through a bind-like hard link is impossible for
    // directories, so compare a tree with itself: every name has the same dev and inode
    assertThat(LayerTar.changes(tmp.resolve("shared"), tmp.resolve("shared"))).isEmpty();
    Files.writeString(newDir.resolve("h"), "x");
    Files.createLink(oldDir.resolve("h"), newDir.resolve("h"));
    px.chmod(newDir.resolve("h"), 0600); // same inode: a mode change is invisible from both sides
    assertThat(changes()).isEmpty();
  }

  @Test
  void blockDeviceMtimeIsIgnoredLikeMobyDoes() throws Exception {
    trees();
    for (Path root : List.of(oldDir, newDir)) {
      px.mknod(root.resolve("blk"), FileStat.S_IFBLK | 0600, FileStat.makedev(7, 0));
    }
    px.setTimes(oldDir.resolve("blk"), 1, 0, 1, 0);
    px.setTimes(newDir.resolve("blk"), 2, 0, 2, 0);
    // moby tests mode&S_IFDIR == S_IFDIR, which S_IFBLK (060000) also passes
    assertThat(changes()).isEmpty();
  }

  @Test
  void outputIsSortedByPathBytes() throws Exception {
    trees();
    bothDir("a");
    Files.writeString(newDir.resolve("a-b"), "x");
    Files.writeString(newDir.resolve("a/b"), "x");
    Files.writeString(newDir.resolve("é"), "x");
    Files.writeString(newDir.resolve("Z"), "x");
    // byte order: '-' (0x2d) sorts before '/' (0x2f), so "/a-b" comes between "/a" and "/a/b"
    assertThat(changes()).containsExactly("A /Z", "C /a", "A /a-b", "A /a/b", "A /é");
  }

  @Test
  void theApplyJournalIsNeverAChange() throws Exception {
    trees();
    Files.createDirectory(newDir.resolve(ApplyJournal.DIR_NAME));
    assertThat(changes()).isEmpty();
  }
}
