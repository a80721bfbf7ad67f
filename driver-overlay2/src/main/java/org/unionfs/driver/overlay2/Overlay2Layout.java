package org.unionfs.driver.overlay2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.unionfs.api.error.LayerCorruptException;

/**
 * Docker's overlay2 names and formats under one home (see the package documentation for the tree).
 * Pure path arithmetic plus the small reads of {@code link} and {@code lower}; never mounts.
 */
final class Overlay2Layout {
  static final String LINK_DIR = "l";
  static final String DIFF_DIR = "diff";
  static final String WORK_DIR = "work";
  static final String MERGED_DIR = "merged";
  static final String LOWER_FILE = "lower";
  static final String LINK_FILE = "link";
  static final String COMMITTED_FILE = "committed";

  /** Docker's limit on lower layers. */
  static final int MAX_DEPTH = 128;
  /** The kernel's limit on lower layers ({@code OVL_MAX_STACK}). */
  static final int KERNEL_MAX_DEPTH = 500;
  /**
   * Length of a link id. moby picks it so that {@code (26 + len("l") + 1) * 128 <= pageSize - 512}: 128
   * relative lower entries ("l/" + 26 characters + ":") fit in one 4 KiB page with 512 bytes left for the
   * other options and the mount label.
   */
  static final int LINK_ID_LENGTH = 26;

  /** Temporary directories beside the layers; the leading '.' can never start a layer id. */
  static final String CREATING_PREFIX = ".creating-";
  static final String REMOVING_PREFIX = ".removing-";

  static final String HOME_MODE = "rwx--x---"; // 0710
  static final String LINK_DIR_MODE = "rwx------"; // 0700
  static final String LAYER_DIR_MODE = "rwx--x---"; // 0710
  static final String DIFF_MODE = "rwxr-xr-x"; // 0755
  static final String WORK_MODE = "rwx------"; // 0700
  static final String MERGED_MODE = "rwx------"; // 0700
  static final String META_FILE_MODE = "rw-r--r--"; // 0644: link, lower
  static final String COMMITTED_MODE = "rw-------"; // 0600

  private static final Pattern LINK_ID = Pattern.compile("[A-Z2-7]{" + LINK_ID_LENGTH + "}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path home;

  Overlay2Layout(Path home) {
    this.home = home.toAbsolutePath().normalize();
  }

  Path home() {
    return home;
  }

  Path linkDir() {
    return home.resolve(LINK_DIR);
  }

  Path dir(String id) {
    return home.resolve(id);
  }

  Path diff(String id) {
    return dir(id).resolve(DIFF_DIR);
  }

  Path work(String id) {
    return dir(id).resolve(WORK_DIR);
  }

  Path merged(String id) {
    return dir(id).resolve(MERGED_DIR);
  }

  Path lowerFile(String id) {
    return dir(id).resolve(LOWER_FILE);
  }

  Path linkFile(String id) {
    return dir(id).resolve(LINK_FILE);
  }

  Path committed(String id) {
    return dir(id).resolve(COMMITTED_FILE);
  }

  Path link(String linkId) {
    return linkDir().resolve(linkId);
  }

  /** The symlink target of {@code l/<link>}: {@code ../<id>/diff}, relative so the home can move. */
  static String linkTarget(String id) {
    return "../" + id + "/" + DIFF_DIR;
  }

  /** Whether layer {@code id} exists; {@code l}, the link directory, is never a layer. */
  boolean exists(String id) {
    return !isReserved(id) && Files.isDirectory(dir(id), LinkOption.NOFOLLOW_LINKS);
  }

  /** Names in the home that a layer id cannot take: the link directory. */
  static boolean isReserved(String id) {
    return LINK_DIR.equals(id);
  }

  boolean isCommitted(String id) {
    return Files.exists(committed(id), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * A new link id as moby's {@code GenerateID(26)}: 17 random bytes in standard base32 (A-Z, 2-7),
   * cut to 26 characters.
   */
  static String newLinkId() {
    byte[] bytes = new byte[17];
    RANDOM.nextBytes(bytes);
    return base32(bytes).substring(0, LINK_ID_LENGTH);
  }

  static boolean isLinkId(String s) {
    return LINK_ID.matcher(s).matches();
  }

  /** RFC 4648 base32 without padding (the JDK has none). */
  static String base32(byte[] bytes) {
    final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /** The layer's link id, from its {@code link} file (no newline, as Docker writes it). */
  String readLink(String id) throws IOException {
    String link;
    try {
      link = Files.readString(linkFile(id), StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw new LayerCorruptException("layer " + id + ": missing " + linkFile(id), e);
    }
    if (!isLinkId(link)) {
      throw new LayerCorruptException("layer " + id + ": malformed link id \"" + link + "\" in "
          + linkFile(id));
    }
    return link;
  }

  /**
   * The layer's lower entries ({@code l/<LINK>}, nearest parent first), or empty for a layer without
   * parent.
   */
  Optional<List<String>> readLower(String id) throws IOException {
    String text;
    try {
      text = Files.readString(lowerFile(id), StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(parseLower(id, text));
  }

  /** Splits a {@code lower} file, refusing anything but {@code l/<LINK>} entries. */
  static List<String> parseLower(String id, String text) throws LayerCorruptException {
    List<String> entries = new ArrayList<>();
    for (String entry : text.split(":", -1)) {
      if (!entry.startsWith(LINK_DIR + "/") || !isLinkId(entry.substring(LINK_DIR.length() + 1))) {
        throw new LayerCorruptException("layer " + id + ": malformed lower entry \"" + entry + "\"");
      }
      entries.add(entry);
    }
    return List.copyOf(entries);
  }

  /** The link id of a {@code l/<LINK>} lower entry. */
  static String linkOf(String lowerEntry) {
    return lowerEntry.substring(LINK_DIR.length() + 1);
  }

  /**
   * The {@code lower} content of a child of {@code parent}: the parent's own link first, then the
   * parent's lowers (moby {@code getLower}).
   */
  static List<String> childLower(String parentLink, List<String> parentLower) {
    List<String> lower = new ArrayList<>(parentLower.size() + 1);
    lower.add(LINK_DIR + "/" + parentLink);
    lower.addAll(parentLower);
    return List.copyOf(lower);
  }

  /** The diff directory a lower entry stands for, resolved through its symlink. */
  Path resolveLower(String lowerEntry) throws IOException {
    Path link = home.resolve(lowerEntry);
    Path target;
    try {
      target = Files.readSymbolicLink(link);
    } catch (NoSuchFileException e) {
      throw new LayerCorruptException("lower " + lowerEntry + ": missing link " + link, e);
    }
    return linkDir().resolve(target).normalize();
  }

  /** The layer id owning a lower entry: the directory name in {@code ../<id>/diff}. */
  String layerOf(String lowerEntry) throws IOException {
    return resolveLower(lowerEntry).getParent().getFileName().toString();
  }
}
