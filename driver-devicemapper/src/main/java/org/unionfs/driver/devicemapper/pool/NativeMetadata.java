package org.unionfs.driver.devicemapper.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * Writes the pool's metadata in the kernel's native dm-thin format (what {@code thin_check} and
 * {@code thin_dump} read), built bottom-up in one pass: block 0 the superblock, block 1 the metadata
 * space map's index, then its bitmaps, then every btree node and the data space map's bitmaps in
 * allocation order. No node is shared, so every metadata block's count is 1. Little-endian 4 KiB
 * blocks, each with a crc32c of bytes 4..4096 xor a per-kind constant.
 */
public final class NativeMetadata {
  static final int BLOCK = 4096;
  static final long MAGIC = 27022010;
  static final int SUPERBLOCK_XOR = 160774;
  static final int NODE_XOR = 121107;
  static final int BITMAP_XOR = 240779;
  static final int INDEX_XOR = 160478;
  static final int ENTRIES_PER_BITMAP = (BLOCK - 16) * 4;
  static final int MAX_METADATA_BITMAPS = 255;
  static final int INTERNAL = 1;
  static final int LEAF = 2;

  private final FileChannel out;
  private final long nrMetadataBlocks;
  private long next;

  private NativeMetadata(FileChannel out, long nrMetadataBlocks, long firstFree) {
    this.out = out;
    this.nrMetadataBlocks = nrMetadataBlocks;
    this.next = firstFree;
  }

  /**
   * Writes the pool's current state (commit first for the committed one) to {@code file}, replaced
   * atomically. The file is sized to hold it (at least 4 MiB), as a metadata device would be.
   */
  public static void export(ThinPool pool, Path file) throws IOException {
    synchronized (pool) {
      PoolState s = pool.state();
      long mappings = 0;
      for (PoolState.Device d : s.devices.values()) {
        mappings += d.map.mapped();
      }
      long dataBitmaps = (s.nrDataBlocks + ENTRIES_PER_BITMAP - 1) / ENTRIES_PER_BITMAP;
      long estimate = 64 + 3L * s.devices.size() + mappings / 60 + 2 * dataBitmaps + s.nrDataBlocks / 300;
      long blocks = Math.max(1024, estimate);
      if (blocks > (long) MAX_METADATA_BITMAPS * ENTRIES_PER_BITMAP) {
        throw new InvalidArgumentException("devicemapper pool " + pool.directory()
            + ": metadata too large for a dm-thin metadata device");
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.allocate(1), blocks * BLOCK - 1);
        long metaBitmaps = (blocks + ENTRIES_PER_BITMAP - 1) / ENTRIES_PER_BITMAP;
        new NativeMetadata(ch, blocks, 2 + metaBitmaps).write(s, pool.blockSize(), metaBitmaps);
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void write(PoolState s, int blockSize, long metaBitmaps) throws IOException {
    List<Long> devIds = new ArrayList<>();
    List<Long> roots = new ArrayList<>();
    List<byte[]> details = new ArrayList<>();
    int[] counts = new int[s.ref.length];
    for (PoolState.Device d : s.devices.values()) {
      List<Long> keys = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      d.map.forEach((v, b, t) -> {
        keys.add(v);
        values.add(le(8).putLong((b << 24) | (t & BlockMap.TIME_MASK)).array());
        counts[(int) b]++;
      });
      devIds.add((long) d.id);
      roots.add(tree(keys, values, 8));
      details.add(le(24).putLong(d.map.mapped()).putLong(d.transactionId).putInt(d.creationTime)
          .putInt(d.snapshottedTime).array());
    }
    List<byte[]> rootValues = new ArrayList<>();
    for (long r : roots) {
      rootValues.add(le(8).putLong(r).array());
    }
    long mappingRoot = tree(devIds, rootValues, 8);
    long detailsRoot = tree(devIds, details, 24);
    byte[] dataSm = dataSpaceMap(counts);
    long metaRefRoot = tree(List.of(), List.of(), 4);
    byte[] metaSm = metadataSpaceMap(metaBitmaps, metaRefRoot);
    ByteBuffer sb = le(BLOCK);
    sb.putLong(32, MAGIC) // the uuid (16..32) stays zero: "" in thin_dump
       .putInt(40, 2).putInt(44, s.time).putLong(48, s.transactionId).putLong(56, 0);
    sb.put(64, dataSm).put(192, metaSm);
    sb.putLong(320, mappingRoot).putLong(328, detailsRoot).putInt(336, blockSize / 512).putInt(340, 8)
        .putLong(344, nrMetadataBlocks);
    put(0, sb, SUPERBLOCK_XOR);
  }

  /** Data space map: bitmaps, an index btree over them, a btree of counts of 3 and more. */
  private byte[] dataSpaceMap(int[] counts) throws IOException {
    long nrBlocks = counts.length;
    long allocated = 0;
    List<Long> overflowKeys = new ArrayList<>();
    List<byte[]> overflowValues = new ArrayList<>();
    List<Long> indexKeys = new ArrayList<>();
    List<byte[]> indexValues = new ArrayList<>();
    for (long first = 0, i = 0; first < nrBlocks; first += ENTRIES_PER_BITMAP, i++) {
      int n = (int) Math.min(ENTRIES_PER_BITMAP, nrBlocks - first);
      int[] c = new int[n];
      for (int e = 0; e < n; e++) {
        c[e] = counts[(int) (first + e)];
        if (c[e] != 0) {
          allocated++;
        }
        if (c[e] >= 3) {
          overflowKeys.add(first + e);
          overflowValues.add(le(4).putInt(c[e]).array());
        }
      }
      indexKeys.add(i);
      indexValues.add(bitmap(c));
    }
    long indexRoot = tree(indexKeys, indexValues, 16);
    long refRoot = tree(overflowKeys, overflowValues, 4);
    return le(32).putLong(nrBlocks).putLong(allocated).putLong(indexRoot).putLong(refRoot).array();
  }

  /** Metadata space map: every block written so far (and the index itself) counted once. */
  private byte[] metadataSpaceMap(long bitmaps, long refRoot) throws IOException {
    long used = next;
    ByteBuffer index = le(BLOCK);
    for (int i = 0; i < bitmaps; i++) {
      long first = (long) i * ENTRIES_PER_BITMAP;
      int n = (int) Math.min(ENTRIES_PER_BITMAP, nrMetadataBlocks - first);
      int[] c = new int[n];
      for (int e = 0; e < n; e++) {
        c[e] = first + e < used ? 1 : 0;
      }
      long at = 2 + i;
      byte[] entry = bitmapAt(c, at);
      index.put(16 + 16 * i, entry);
    }
    put(1, index, INDEX_XOR);
    return le(32).putLong(nrMetadataBlocks).putLong(used).putLong(1).putLong(refRoot).array();
  }

  /** Writes a bitmap block at the next free block; returns its 16-byte index entry. */
  private byte[] bitmap(int[] c) throws IOException {
    return bitmapAt(c, next++);
  }

  private byte[] bitmapAt(int[] c, long at) throws IOException {
    ByteBuffer b = le(BLOCK);
    int free = 0;
    int firstFree = -1;
    for (int e = 0; e < c.length; e++) {
      int v = Math.min(c[e], 3);
      if (v == 0) {
        free++;
        if (firstFree < 0) {
          firstFree = e;
        }
      }
      int hi = 2 * e; // the high bit comes first in the little-endian bit string
      if ((v & 2) != 0) {
        b.put(16 + hi / 8, (byte) (b.get(16 + hi / 8) | (1 << (hi % 8))));
      }
      int lo = hi + 1;
      if ((v & 1) != 0) {
        b.put(16 + lo / 8, (byte) (b.get(16 + lo / 8) | (1 << (lo % 8))));
      }
    }
    put(at, b, BITMAP_XOR);
    return le(16).putLong(at).putInt(free).putInt(firstFree < 0 ? c.length : firstFree).array();
  }

  /**
   * Writes a btree bottom-up and returns its root. Entries are split evenly over the fewest nodes,
   * so every non-root node holds at least a third of its maximum (the kernel's rule).
   */
  private long tree(List<Long> keys, List<byte[]> values, int valueSize) throws IOException {
    int max = (BLOCK - 32) / (8 + valueSize) / 3 * 3;
    List<Long> levelKeys = keys;
    List<byte[]> levelValues = values;
    int flags = LEAF;
    int vs = valueSize;
    while (true) {
      int n = levelKeys.size();
      int nodes = Math.max(1, (n + max - 1) / max);
      List<Long> upKeys = new ArrayList<>();
      List<byte[]> upValues = new ArrayList<>();
      for (int k = 0, from = 0; k < nodes; k++) {
        int to = (int) ((long) n * (k + 1) / nodes);
        long at = next++;
        ByteBuffer b = le(BLOCK);
        b.putInt(4, flags).putLong(8, at).putInt(16, to - from).putInt(20, max).putInt(24, vs);
        for (int e = from; e < to; e++) {
          b.putLong(32 + 8 * (e - from), levelKeys.get(e));
          b.put(32 + 8 * max + vs * (e - from), levelValues.get(e));
        }
        put(at, b, NODE_XOR);
        upKeys.add(to > from ? levelKeys.get(from) : 0L);
        upValues.add(le(8).putLong(at).array());
        from = to;
      }
      if (nodes == 1) {
        return ByteBuffer.wrap(upValues.get(0)).order(ByteOrder.LITTLE_ENDIAN).getLong();
      }
      levelKeys = upKeys;
      levelValues = upValues;
      flags = INTERNAL;
      vs = 8;
      max = (BLOCK - 32) / (8 + 8) / 3 * 3;
    }
  }

  private void put(long at, ByteBuffer b, int xor) throws IOException {
    if (at >= nrMetadataBlocks) {
      throw new IOException("native metadata export: block " + at + " beyond the " + nrMetadataBlocks + " allocated");
    }
    b.putLong(8, at);
    b.putInt(0, checksum(b.array(), xor));
    ByteBuffer w = ByteBuffer.wrap(b.array());
    long pos = at * BLOCK;
    while (w.hasRemaining()) {
      pos += out.write(w, pos);
    }
  }

  /** dm_bm_checksum: crc32c seeded with ~0 over bytes 4..4096, without the final inversion, xor a constant. */
  static int checksum(byte[] block, int xor) {
    CRC32C c = new CRC32C();
    c.update(block, 4, BLOCK - 4);
    return (int) (c.getValue() ^ 0xFFFFFFFFL ^ xor);
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
