package org.unionfs.driver.devicemapper.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a native dm-thin metadata file (ours or the kernel's) for what {@code thin_check} 0.9.0
 * misses: the superblock magic and location, data-block reference counts recomputed from every
 * mapping and compared with the data space map (leaks, doubly owned blocks), data blocks beyond
 * {@code nr_data_blocks}, device ids beyond 24 bits, and mapped-block counts; plus each block's
 * checksum and location and btree key order, so it stands on its own.
 */
public final class NativeMetadataVerifier {
  private static final int B = NativeMetadata.BLOCK;

  private final FileChannel ch;
  private final List<String> problems = new ArrayList<>();
  private final long nrMetadataBlocks;

  private NativeMetadataVerifier(FileChannel ch) throws IOException {
    this.ch = ch;
    this.nrMetadataBlocks = ch.size() / B;
  }

  /** One line per problem; empty when the metadata is consistent. */
  public static List<String> check(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      NativeMetadataVerifier v = new NativeMetadataVerifier(ch);
      try {
        v.run();
      } catch (IllegalStateException e) {
        v.problems.add(e.getMessage());
      }
      return v.problems;
    }
  }

  private void run() throws IOException {
    ByteBuffer sb = block(0, NativeMetadata.SUPERBLOCK_XOR, "superblock");
    if (sb.getLong(32) != NativeMetadata.MAGIC) {
      problems.add("superblock magic is " + sb.getLong(32) + ", not " + NativeMetadata.MAGIC);
    }
    int sectors = sb.getInt(336);
    if (sectors < 128 || sectors > 2097152 || sectors % 128 != 0) {
      problems.add("data_block_size " + sectors + " sectors is not a multiple of 128 from 128 to 2097152");
    }
    long nrData = sb.getLong(64);
    long allocated = sb.getLong(72);
    Map<Long, byte[]> details = new TreeMap<>();
    walk(sb.getLong(328), 24, (k, v) -> details.put(k, v));
    Map<Long, Long> roots = new TreeMap<>();
    walk(sb.getLong(320), 8, (k, v) -> roots.put(k, le(v).getLong()));
    if (!details.keySet().equals(roots.keySet())) {
      problems.add("devices in the details tree " + details.keySet() + " differ from the mapping tree " + roots.keySet());
    }
    Map<Long, Integer> counts = new HashMap<>();
    for (Map.Entry<Long, Long> dev : roots.entrySet()) {
      long id = dev.getKey();
      if (id > ThinPool.MAX_DEVICE_ID) {
        problems.add("device id " + id + " exceeds 24 bits");
      }
      long[] mapped = {0};
      walk(dev.getValue(), 8, (vblock, v) -> {
        long bt = le(v).getLong();
        long data = bt >>> 24;
        mapped[0]++;
        if (data >= nrData) {
          problems.add("device " + id + " block " + vblock + " maps data block " + data + " beyond nr_data_blocks "
              + nrData);
        }
        counts.merge(data, 1, Integer::sum);
      });
      byte[] d = details.get(id);
      if (d != null && le(d).getLong() != mapped[0]) {
        problems.add("device " + id + " details say " + le(d).getLong() + " mapped blocks, its tree maps " + mapped[0]);
      }
    }
    compareDataSpaceMap(sb.getLong(80), sb.getLong(88), nrData, allocated, counts);
  }

  private void compareDataSpaceMap(long indexRoot, long refRoot, long nrData, long allocated,
      Map<Long, Integer> counts) throws IOException {
    Map<Long, Integer> overflow = new HashMap<>();
    walk(refRoot, 4, (k, v) -> overflow.put(k, le(v).getInt()));
    long[] stored = {0};
    walk(indexRoot, 16, (i, v) -> {
      long at = le(v).getLong();
      ByteBuffer bm;
      try {
        bm = block(at, NativeMetadata.BITMAP_XOR, "data bitmap " + i);
      } catch (IOException e) {
        throw new IllegalStateException("data bitmap " + i + ": " + e.getMessage(), e);
      }
      long first = i * NativeMetadata.ENTRIES_PER_BITMAP;
      for (int e = 0; e < NativeMetadata.ENTRIES_PER_BITMAP && first + e < nrData; e++) {
        int hi = 2 * e;
        int lo = hi + 1;
        int c = ((bm.get(16 + hi / 8) >> (hi % 8)) & 1) << 1 | ((bm.get(16 + lo / 8) >> (lo % 8)) & 1);
        long block = first + e;
        if (c == 3) {
          c = overflow.getOrDefault(block, 0);
          if (c < 3) {
            problems.add("data block " + block + " has bitmap count 3 but overflow count " + c);
          }
        }
        if (c != 0) {
          stored[0]++;
        }
        int want = counts.getOrDefault(block, 0);
        if (c != want) {
          problems.add(want == 0 ? "leaked data block " + block + ": space map count " + c + " but no mapping"
              : "data block " + block + " mapped " + want + " times but space map count " + c
                  + (c < want && c <= 1 ? " (doubly owned)" : ""));
        }
      }
    });
    if (stored[0] != allocated) {
      problems.add("data space map nr_allocated " + allocated + " but " + stored[0] + " blocks have counts");
    }
  }

  private interface Entry {
    void accept(long key, byte[] value);
  }

  /** Walks a btree, checking each node's checksum, location, sizes and key order. */
  private void walk(long root, int valueSize, Entry visit) throws IOException {
    walk(root, valueSize, visit, Long.MIN_VALUE, 0);
  }

  private void walk(long at, int valueSize, Entry visit, long parentKey, int depth) throws IOException {
    if (depth > 16) {
      throw new IllegalStateException("btree deeper than 16 levels at block " + at);
    }
    ByteBuffer n = block(at, NativeMetadata.NODE_XOR, "btree node");
    int flags = n.getInt(4);
    int nr = n.getInt(16);
    int max = n.getInt(20);
    int vs = n.getInt(24);
    boolean internal = (flags & NativeMetadata.INTERNAL) != 0;
    int wantVs = internal ? 8 : valueSize;
    if (vs != wantVs || max != (B - 32) / (8 + vs) / 3 * 3 || nr > max) {
      throw new IllegalStateException("btree node " + at + ": value size " + vs + ", max " + max + ", entries " + nr
          + " do not fit");
    }
    long prev = Long.MIN_VALUE;
    for (int i = 0; i < nr; i++) {
      long key = n.getLong(32 + 8 * i);
      if (i > 0 && Long.compareUnsigned(key, prev) <= 0) {
        problems.add("btree node " + at + ": keys out of order at entry " + i);
      }
      if (i == 0 && parentKey != Long.MIN_VALUE && key != parentKey) {
        problems.add("btree node " + at + ": first key " + key + " is not its parent's " + parentKey);
      }
      prev = key;
      byte[] value = new byte[vs];
      n.get(32 + 8 * max + vs * i, value);
      if (internal) {
        walk(le(value).getLong(), valueSize, visit, key, depth + 1);
      } else {
        visit.accept(key, value);
      }
    }
  }

  private ByteBuffer block(long at, int xor, String what) throws IOException {
    if (at < 0 || at >= nrMetadataBlocks) {
      throw new IllegalStateException(what + " at block " + at + " is outside the metadata (" + nrMetadataBlocks
          + " blocks)");
    }
    ByteBuffer b = ByteBuffer.allocate(B).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining() && ch.read(b, at * B + b.position()) >= 0) {
      // read the whole block
    }
    if (b.getInt(0) != NativeMetadata.checksum(b.array(), xor)) {
      throw new IllegalStateException(what + " at block " + at + " has a bad checksum");
    }
    if (b.getLong(8) != at) {
      throw new IllegalStateException(what + " at block " + at + " says it is block " + b.getLong(8));
    }
    return b;
  }

  private static ByteBuffer le(byte[] v) {
    return ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
  }
}
