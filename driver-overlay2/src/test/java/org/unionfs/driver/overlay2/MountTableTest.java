package org.unionfs.driver.overlay2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
  private static final String SAMPLE = String.join("\n",
      "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
      "98 22 0:50 / /h/overlay2/abc/merged rw,relatime shared:50 - overlay overlay rw,lowerdir=/h/l/A",
      "99 22 0:51 / /h/overlay2/with\\040space/merged rw,relatime - overlay overlay rw",
      "100 98 0:52 / /h/overlay2/abc/merged/proc rw - proc proc rw",
      "101 22 0:53 / /h/overlay2 rw - xfs /dev/loop0 rw,prjquota",
      "102 22 0:54 / /h/overlay2x rw - tmpfs tmpfs rw",
      "");

  @Test
  void parse_readsMountPointAndType_unescapingOctal() {
    List<MountTable.Entry> entries = MountTable.parse(SAMPLE);
    assertThat(entries).hasSize(6);
    assertThat(entries.get(1)).isEqualTo(new MountTable.Entry(Path.of("/h/overlay2/abc/merged"), "overlay"));
    assertThat(entries.get(2).mountPoint()).isEqualTo(Path.of("/h/overlay2/with space/merged"));
    assertThat(entries.get(4).fsType()).isEqualTo("xfs");
  }

  @Test
  void under_listsDeepestFirst_andNotSiblingsWithSharedPrefix() {
    List<Path> under = MountTable.under(MountTable.parse(SAMPLE), Path.of("/h/overlay2"));
    assertThat(under).containsExactly(Path.of("/h/overlay2/abc/merged/proc"),
        Path.of("/h/overlay2/abc/merged"), Path.of("/h/overlay2/with space/merged"), Path.of("/h/overlay2"));
  }

  @Test
  void unescape_backslashAndTabAndNewline() {
    assertThat(MountTable.unescape("a\\134b\\011c\\012d")).isEqualTo("a\\b\tc\nd");
    assertThat(MountTable.unescape("plain")).isEqualTo("plain");
  }
}
