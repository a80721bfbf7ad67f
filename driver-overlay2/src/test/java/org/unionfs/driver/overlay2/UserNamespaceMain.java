package org.unionfs.driver.overlay2;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.unionfs.api.Change;
import org.unionfs.api.CreateOptions;
import org.unionfs.api.diff.NaiveDiffDriver;
import org.unionfs.api.posix.Posix;
import org.unionfs.api.spi.DriverContext;

/**
 * Run by {@link UserNamespaceTest} inside {@code unshare --user --map-root-user --mount}: the driver's
 * life cycle with {@code userxattr} (user.overlay.* xattrs, unprivileged whiteouts). Prints one line per
 * fact and "OK" at the end; any failure is an exception and a non-zero exit.
 */
public final class UserNamespaceMain {
  private UserNamespaceMain() {}

  public static void main(String[] args) throws Exception {
    try (Overlay2Driver d = Overlay2DriverProvider.open(DriverContext.of(Path.of(args[0])),
        KernelMounter.system(), OverlayProbe.system())) {
      System.out.println("status " + d.status().lines());
      check(d.support().userxattr(), "userxattr expected in a user namespace");
      d.create("base", null, CreateOptions.NONE);
      d.applyDiff("base", null, NativeChangesTest.tar(NativeChangesTest.dir("d/"),
          NativeChangesTest.file("d/old", "old"), NativeChangesTest.file("gone", "gone")));
      d.create("img", "base", CreateOptions.NONE);
      d.applyDiff("img", "base", NativeChangesTest.tar(NativeChangesTest.dir("d/"),
          NativeChangesTest.file("d/.wh..wh..opq", ""), NativeChangesTest.file("d/new", "new"),
          NativeChangesTest.file(".wh.gone", "")));
      Path diff = d.layout().diff("img");
      check(Posix.get().lstat(diff.resolve("gone")).isOverlayWhiteout(), "whiteout is char 0/0");
      check(Posix.get().getXattr(diff.resolve("d"), "user.overlay.opaque").isPresent(), "user.overlay.opaque");
      d.createReadWrite("ctr", "img", CreateOptions.NONE);
      Path view = d.get("ctr", "");
      check(!Files.exists(view.resolve("gone")), "gone is hidden");
      check(List.of("new").equals(Overlay2DriverTest.list(view.resolve("d"))), "d is opaque: " +
          Overlay2DriverTest.list(view.resolve("d")));
      Files.writeString(view.resolve("d/new"), "changed");
      Files.delete(view.resolve("d/new"));
      Files.writeString(view.resolve("added"), "a");
      d.put("ctr");
      List<Change> changes = d.changes("ctr", "img");
      System.out.println("changes " + changes);
      check(changes.equals(NaiveDiffDriver.wrap(d).changes("ctr", "img")), "native changes = naive");
      byte[] a;
      byte[] b;
      try (InputStream x = d.diff("ctr", "img"); InputStream y = NaiveDiffDriver.wrap(d).diff("ctr", "img")) {
        a = x.readAllBytes();
        b = y.readAllBytes();
      }
      check(java.util.Arrays.equals(a, b), "native diff = naive diff");
    }
    System.out.println("OK");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
    System.out.println("ok " + what);
  }
}
