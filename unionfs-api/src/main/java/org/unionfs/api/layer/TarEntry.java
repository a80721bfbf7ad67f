package org.unionfs.api.layer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One member of a tar as {@link TarReader} decodes it: ustar fields with the PAX and GNU extensions
 * already folded in. Mutable and reused by the reader for speed; copy what must outlive the next entry.
 */
final class TarEntry {
  static final byte REG = '0';
  static final byte AREG = '\0';
  static final byte LINK = '1';
  static final byte SYMLINK = '2';
  static final byte CHR = '3';
  static final byte BLK = '4';
  static final byte DIR = '5';
  static final byte FIFO = '6';
  static final byte CONT = '7';

  /** The name as it stands in the archive (after PAX/GNU long names), not yet cleaned. */
  String name;
  String linkName;
  byte type;
  /** Permission bits (07777); any file-type bits of the mode field are dropped. */
  int mode;
  long uid;
  long gid;
  long size;
  long mtimeSec;
  int mtimeNsec;
  int devMajor;
  int devMinor;
  /** Extended attributes from {@code SCHILY.xattr.*} / {@code LIBARCHIVE.xattr.*}, in archive order. */
  final Map<String, byte[]> xattrs = new LinkedHashMap<>();
  /** The ordinal of the member in the archive, from 1, for messages. */
  long index;
  /** Offset of the member's header in the (uncompressed) archive, for messages. */
  long offset;

  void reset() {
    name = null;
    linkName = "";
    type = REG;
    mode = 0;
    uid = 0;
    gid = 0;
    size = 0;
    mtimeSec = 0;
    mtimeNsec = 0;
    devMajor = 0;
    devMinor = 0;
    xattrs.clear();
  }

  boolean isRegular() {
    return type == REG || type == AREG || type == CONT;
  }

  boolean isDirectory() {
    return type == DIR;
  }

  /** "entry #12 'usr/bin/x'", the way every error names a member. */
  String describe() {
    return "entry #" + index + " '" + name + "'";
  }
}
