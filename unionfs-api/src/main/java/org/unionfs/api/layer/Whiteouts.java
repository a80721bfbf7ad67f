package org.unionfs.api.layer;

import java.util.Objects;

/** The three {@link WhiteoutFormat} implementations and the whiteout naming rules they share. */
public final class Whiteouts {
  /** The prefix of a whiteout entry: {@code .wh.<name>} hides {@code <name>}. */
  public static final String PREFIX = ".wh.";
  /** The prefix of aufs's metadata names ({@code .wh..wh.}), which are never whiteouts of user files. */
  public static final String META_PREFIX = ".wh..wh.";
  /** The opaque-directory marker: hides every lower child of its directory. */
  public static final String OPAQUE = ".wh..wh..opq";

  private Whiteouts() {}

  /** {@link WhiteoutFormat#DELETE}. */
  public static final class Delete implements WhiteoutFormat {
    static final Delete INSTANCE = new Delete();

    private Delete() {}

    @Override
    public Kind kind() {
      return Kind.DELETE;
    }

    @Override
    public String toString() {
      return "WhiteoutFormat.DELETE";
    }
  }

  /** {@link WhiteoutFormat#AUFS}. */
  public static final class Aufs implements WhiteoutFormat {
    static final Aufs INSTANCE = new Aufs();

    private Aufs() {}

    @Override
    public Kind kind() {
      return Kind.AUFS;
    }

    @Override
    public String toString() {
      return "WhiteoutFormat.AUFS";
    }
  }

  /** {@link WhiteoutFormat#overlay(String)}. */
  public static final class Overlay implements WhiteoutFormat {
    private static final Overlay TRUSTED = new Overlay("trusted.");
    private static final Overlay USER = new Overlay("user.");

    private final String xattrPrefix;

    private Overlay(String xattrPrefix) {
      this.xattrPrefix = xattrPrefix;
    }

    static Overlay of(String xattrPrefix) {
      Objects.requireNonNull(xattrPrefix, "xattrPrefix");
      return switch (xattrPrefix) {
        case "trusted." -> TRUSTED;
        case "user." -> USER;
        default -> throw new IllegalArgumentException(
            "overlay xattr prefix must be \"trusted.\" or \"user.\": " + xattrPrefix);
      };
    }

    /** {@code "trusted."} or {@code "user."}. */
    public String xattrPrefix() {
      return xattrPrefix;
    }

    /** The opaque xattr name, {@code <prefix>overlay.opaque}. */
    public String opaqueXattr() {
      return xattrPrefix + "overlay.opaque";
    }

    @Override
    public Kind kind() {
      return Kind.OVERLAY;
    }

    @Override
    public String toString() {
      return "WhiteoutFormat.overlay(\"" + xattrPrefix + "\")";
    }
  }
}
