package org.unionfs.api.layer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.unionfs.api.error.InvalidArgumentException;
import org.unionfs.api.error.NotSupportedException;
import org.unionfs.api.posix.FileStat;
import org.unionfs.api.posix.Posix;

/**
 * One apply of a layer tar onto a layer directory (see {@link LayerTar#apply}). Keeps what it needs to
 * decide "lower or from this tar" in memory proportional to the number of entries created directly in
 * pre-existing directories, never to the bytes of the layer.
 */
final class Applier {
  /**
   * Worker threads for small files: the number of cores (at most 4), none on one core; the system
   * property {@code unionfs.apply.writers} overrides it (0 writes everything on the calling thread).
   */
  static int writerThreads() {
    int cores = Runtime.getRuntime().availableProcessors();
    return Integer.getInteger("unionfs.apply.writers", cores > 1 ? Math.min(4, cores) : 0);
  }

  private final Path root;
  private final WhiteoutFormat format;
  private final ApplyJournal journal;
  private final FileStat rootBefore;
  private final Posix px = Posix.get();
  private final EntryMeta meta;
  /** Paths whose state this apply decided: created here (with all below), or a merged lower dir. */
  private final ApplyState state = new ApplyState();
  /** Pre-existing directories whose metadata is saved in the journal. */
  private final Set<String> saved = new HashSet<>();
  /** Real directories (never symlinks) known to exist. */
  private final Set<String> verified = new HashSet<>();
  private final List<EntryMeta.DirTimes> dirTimes = new ArrayList<>();
  private final LinkTargets links;
  private long[] rootTimes;
  private TarReader reader;
  /** Every path this apply created (so a create below its own directories needs no lstat). */
  private final PathHashes created = new PathHashes();
  /** Worker threads for small files; null when there is a single core. */
  private final FileWriters writers;

  Applier(Path root, WhiteoutFormat format, ApplyJournal journal, FileStat rootBefore) {
    this.root = root;
    this.format = format;
    this.journal = journal;
    this.rootBefore = rootBefore;
    this.meta = new EntryMeta(format);
    this.links = new LinkTargets(root, journal, meta);
    int threads = writerThreads();
    this.writers = threads > 0 ? new FileWriters(meta, threads) : null;
    verified.add("");
  }

  /** Stops the workers after a failure, before the roll-back; idempotent. */
  void abort() throws IOException {
    if (writers != null) {
      writers.quiesce();
      writers.close();
    }
  }

  /** Applies every member; returns the sum of their sizes (moby's UnpackLayer size). */
  long run(TarReader tar) throws IOException {
    this.reader = tar;
    long size = 0;
    TarEntry e;
    while ((e = tar.next()) != null) {
      size += e.size;
      entry(e);
    }
    tar.drainTrailer(1 << 20);
    if (writers != null) {
      writers.drain();
      writers.close();
    }
    for (EntryMeta.DirTimes d : dirTimes) {
      meta.finishDirectory(root.resolve(d.rel()), d);
    }
    return size;
  }

  /** The root's final times for the commit: the tar's root entry, else unchanged unless touched. */
  long[] rootTimes() {
    if (rootTimes != null) {
      return rootTimes;
    }
    if (!saved.contains("")) {
      return new long[] {rootBefore.mtimeSec(), rootBefore.mtimeNsec()};
    }
    return null;
  }

  private void entry(TarEntry e) throws IOException {
    String rel = Names.clean(e.name, e.describe());
    meta.validate(e);
    if (rel.isEmpty()) {
      if (!e.isDirectory()) {
        throw new InvalidArgumentException("layer tar: " + e.describe()
            + ": the layer root can only be a directory");
      }
      mergeDirectory("", e, px.lstat(root), false);
      rootTimes = new long[] {e.mtimeSec, e.mtimeNsec};
      return;
    }
    int slash = rel.indexOf('/');
    String first = slash < 0 ? rel : rel.substring(0, slash);
    if (first.startsWith(Whiteouts.META_PREFIX) && !rel.equals(Whiteouts.OPAQUE)) {
      // aufs bookkeeping at the top (and our own journal name): never content
      if (first.equals(".wh..wh.plnk") && slash > 0 && e.isRegular()) {
        links.keep(rel, e, reader);
      }
      return;
    }
    String parent = Names.parent(rel);
    String base = Names.base(rel);
    ensureDirectory(parent, e);
    if (base.startsWith(Whiteouts.PREFIX)) {
      whiteout(parent, base, rel, e);
    } else {
      create(rel, parent, e);
    }
  }

  // ---- whiteouts ----

  private void whiteout(String parent, String base, String rel, TarEntry e) throws IOException {
    if (base.equals(Whiteouts.OPAQUE)) {
      opaque(parent, rel, e);
      return;
    }
    if (base.startsWith(Whiteouts.META_PREFIX)) {
      return; // aufs metadata below the top: not a whiteout of a user file
    }
    String name = base.substring(Whiteouts.PREFIX.length());
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new InvalidArgumentException("layer tar: " + e.describe() + ": invalid whiteout name");
    }
    String target = Names.join(parent, name);
    // Only lower content is hidden: an entry of this same tar is never removed by a whiteout.
    Path tp = root.resolve(target);
    await(target);
    Optional<FileStat> st = px.lstatIfExists(tp);
    boolean present = st.isPresent();
    boolean ours = present && state.fromThisTar(target);
    if (present && !ours) {
      touch(parent);
      forget(target);
      moveAside(target, st.get().isDirectory());
    }
    switch (format.kind()) {
      case DELETE -> { }
      case AUFS -> createAs(rel, parent, e, TarEntry.REG);
      case OVERLAY -> {
        // The layer directory is an overlay upper: the whiteout hides the lower layers' entry, so it is
        // written even where this directory has nothing to remove.
        if (!ours) {
          recordCreate(target, parent);
          created.add(target);
          px.mknod(tp, FileStat.S_IFCHR, 0);
          if (e.uid != 0 || e.gid != 0) {
            px.lchown(tp, (int) e.uid, (int) e.gid);
          }
          px.setTimes(tp, e.mtimeSec, e.mtimeNsec, e.mtimeSec, e.mtimeNsec);
        }
      }
    }
  }

  private void opaque(String dir, String rel, TarEntry e) throws IOException {
    hideLowerChildren(dir);
    switch (format.kind()) {
      case DELETE -> { }
      case AUFS -> createAs(rel, dir, e, TarEntry.REG);
      case OVERLAY -> {
        touch(dir);
        px.setXattr(root.resolve(dir), ((Whiteouts.Overlay) format).opaqueXattr(), new byte[] {'y'});
      }
    }
  }

  /** Moves aside every child of {@code dir} that did not come from this tar, recursing into merges. */
  private void hideLowerChildren(String dir) throws IOException {
    if (state.createdHere(dir)) {
      return;
    }
    if (writers != null) {
      writers.drain();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve(dir))) {
      for (Path child : ds) {
        names.add(child.getFileName().toString());
      }
    }
    for (String name : names) {
      if (dir.isEmpty() && name.equals(ApplyJournal.DIR_NAME)) {
        continue;
      }
      String rel = Names.join(dir, name);
      if (!state.isRecorded(rel)) {
        touch(dir);
        forget(rel);
        moveAside(rel, true);
      } else if (state.isMerged(rel)) {
        hideLowerChildren(rel);
      }
    }
  }

  // ---- entries ----

  private void create(String rel, String parent, TarEntry e) throws IOException {
    createAs(rel, parent, e, e.type);
  }

  private void createAs(String rel, String parent, TarEntry e, byte type) throws IOException {
    Path p = root.resolve(rel);
    if (state.createdHere(parent)) {
      // Below a directory of this tar nothing is lower: a path this apply never created cannot exist.
      if (created.add(rel)) {
        make(rel, p, e, type);
        return;
      }
      await(rel);
      Optional<FileStat> dup = px.lstatIfExists(p);
      if (dup.isEmpty()) {
        make(rel, p, e, type);
        return;
      }
      FileStat st = dup.get();
      if (st.isDirectory() && type == TarEntry.DIR) {
        mergeDirectory(rel, e, st, true);
        return;
      }
      forget(rel);
      drainIf(st.isDirectory());
      FileTrees.removeTree(p);
      make(rel, p, e, type);
      return;
    }
    await(rel);
    created.add(rel);
    Optional<FileStat> existing = px.lstatIfExists(p);
    if (existing.isEmpty()) {
      recordCreate(rel, parent);
      make(rel, p, e, type);
      return;
    }
    boolean ours = state.isCreated(rel);
    if (existing.get().isDirectory() && type == TarEntry.DIR) {
      mergeDirectory(rel, e, existing.get(), ours);
      return;
    }
    forget(rel);
    if (ours) {
      drainIf(existing.get().isDirectory());
      FileTrees.removeTree(p);
      state.created(rel);
    } else {
      touch(parent);
      moveAside(rel, existing.get().isDirectory());
      recordCreate(rel, parent);
    }
    make(rel, p, e, type);
  }

  private void await(String rel) throws IOException {
    if (writers != null) {
      writers.await(rel);
    }
  }

  private void drainIf(boolean directory) throws IOException {
    if (directory && writers != null) {
      writers.drain();
    }
  }

  /** Moves a lower entry aside; a directory only once no worker can be writing below it. */
  private void moveAside(String rel, boolean directory) throws IOException {
    drainIf(directory);
    journal.moveAside(rel);
  }

  /** Journals the creation of {@code rel} in the pre-existing {@code parent} and marks it as ours. */
  private void recordCreate(String rel, String parent) throws IOException {
    if (state.createdHere(parent)) {
      return;
    }
    touch(parent);
    journal.created(rel);
    state.created(rel);
  }

  private void make(String rel, Path p, TarEntry e, byte type) throws IOException {
    switch (type) {
      case TarEntry.DIR -> {
        Files.createDirectory(p);
        verified.add(rel);
        meta.apply(p, e, 0777);
        dirTimes.add(meta.dirTimes(rel, e));
      }
      case TarEntry.REG, TarEntry.AREG, TarEntry.CONT -> {
        if (writers != null && e.size <= FileWriters.MAX_ASYNC_FILE) {
          writers.submit(rel, p, e, reader.readAll());
          return;
        }
        try (FileChannel ch = FileWriters.create(p, e.mode)) {
          reader.copyData(ch);
        }
        meta.apply(p, e, e.mode & 0777);
      }
      case TarEntry.SYMLINK -> {
        if (e.linkName.isEmpty() || e.linkName.indexOf('\0') >= 0) {
          throw new InvalidArgumentException("layer tar: " + e.describe() + ": empty symlink target");
        }
        px.symlink(e.linkName, p);
        meta.applySymlink(p, e);
      }
      case TarEntry.LINK -> {
        String target = Names.clean(e.linkName, e.describe() + " (link target)");
        await(target);
        Path targetPath = links.resolve(target, e, verified);
        Files.createLink(p, targetPath);
        meta.applyXattrs(p, e);
      }
      case TarEntry.CHR, TarEntry.BLK, TarEntry.FIFO -> {
        int kind = type == TarEntry.CHR ? FileStat.S_IFCHR
            : type == TarEntry.BLK ? FileStat.S_IFBLK : FileStat.S_IFIFO;
        try {
          px.mknod(p, kind | (e.mode & 0777), FileStat.makedev(e.devMajor, e.devMinor));
        } catch (AccessDeniedException denied) {
          throw new NotSupportedException("layer tar: " + e.describe() + ": creating a "
              + (type == TarEntry.FIFO ? "fifo" : "device node") + " needs root (" + denied.getReason()
              + ")", denied);
        }
        meta.apply(p, e, e.mode & 0777);
      }
      default -> throw new InvalidArgumentException("layer tar: " + e.describe()
          + ": unsupported member type '" + (char) type + "'");
    }
  }

  private void mergeDirectory(String rel, TarEntry e, FileStat st, boolean ours) throws IOException {
    if (!ours && !state.createdHere(rel)) {
      if (saved.add(rel)) {
        journal.saveMetadata(rel, st, meta.xattrNamesToSave(e));
      }
      state.merged(rel);
    }
    meta.apply(root.resolve(rel), e, -1);
    if (!rel.isEmpty()) {
      dirTimes.add(meta.dirTimes(rel, e));
    }
  }

  /** Saves the metadata of a pre-existing directory before the first change in or of it. */
  private void touch(String dir) throws IOException {
    if (saved.contains(dir) || state.createdHere(dir)) {
      return;
    }
    FileStat st = px.lstat(root.resolve(dir));
    journal.saveMetadata(dir, st, meta.xattrNamesToSave(null));
    saved.add(dir);
  }

  // ---- paths ----

  /** Makes sure every component of {@code dir} is a real directory, creating missing ones 0755. */
  private void ensureDirectory(String dir, TarEntry e) throws IOException {
    if (verified.contains(dir)) {
      return;
    }
    int from = 0;
    while (true) {
      int slash = dir.indexOf('/', from);
      String cur = slash < 0 ? dir : dir.substring(0, slash);
      if (!verified.contains(cur)) {
        Path p = root.resolve(cur);
        Optional<FileStat> st = px.lstatIfExists(p);
        if (st.isEmpty()) {
          String parent = Names.parent(cur);
          recordCreate(cur, parent);
          created.add(cur);
          Files.createDirectory(p);
          px.chmod(p, 0755); // not the umask's, nor a setgid parent's

        } else if (st.get().isSymbolicLink()) {
          throw new InvalidArgumentException("layer tar: " + e.describe() + ": parent '" + cur
              + "' is a symlink; writing through a symlink is not allowed");
        } else if (!st.get().isDirectory()) {
          throw new InvalidArgumentException("layer tar: " + e.describe() + ": parent '" + cur
              + "' is not a directory");
        }
        verified.add(cur);
      }
      if (slash < 0) {
        return;
      }
      from = slash + 1;
    }
  }

  /** Drops what is known about {@code rel} and below before it is moved or removed. */
  private void forget(String rel) {
    if (verified.contains(rel)) {
      verified.removeIf(v -> Names.isUnder(v, rel));
    }
    state.forget(rel);
  }
}
