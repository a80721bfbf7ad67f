package org.unionfs.api.layer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.unionfs.api.layer.testing.HostileCase.accept;
import static org.unionfs.api.layer.testing.HostileCase.reject;

import io.airlift.compress.zstd.ZstdCompressor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * The half of the hostile corpus that attacks the tar and compression formats: truncation, checksums,
 * numeric fields, PAX and GNU extension headers, compression layers. Each tar is built byte by byte.
 */
public final class HostileFormatCorpus {
  private HostileFormatCorpus() {}

  private static TarBytes t() {
    return new TarBytes();
  }

  public static List<HostileCase> cases() {
    return List.of(
        reject("truncated-header", s -> {
          byte[] h = TarBytes.encode(TarBytes.header("truncated-entry.txt", TarBytes.REG));
          return t().file("first.txt", "1").raw(Arrays.copyOf(h, 300)).bytes();
        }),
        reject("truncated-data", s -> {
          TarBytes.Header h = TarBytes.header("short.txt", TarBytes.REG);
          h.size = 1000;
          return t().header(h).raw(new byte[600]).bytes();
        }, "short.txt"),
        // A stream that stops at a block boundary without the two zero blocks may be a cut download:
        // refused (stricter than Go's archive/tar, which takes the EOF for the end of the archive).
        reject("no-end-of-archive-blocks", s -> t().file("a.txt", "abc").bytes(),
            "truncated", "end-of-archive", "end of archive"),
        reject("bad-checksum", s -> {
          TarBytes.Header h = TarBytes.header("bad-sum.txt", TarBytes.REG);
          h.checksumOverride = 01234L;
          return t().entry(h, new byte[0]).end().bytes();
        }, "bad-sum.txt", "checksum"),
        reject("bad-checksum-second-entry", s -> {
          TarBytes.Header h = TarBytes.header("bad-sum.txt", TarBytes.REG);
          h.checksumOverride = 7L;
          return t().file("ok.txt", "ok").entry(h, new byte[0]).end().bytes();
        }, "bad-sum.txt", "checksum"),
        reject("checksum-field-garbage", s -> {
          TarBytes.Header h = TarBytes.header("cs.txt", TarBytes.REG);
          h.rawChecksum = "zzzzzzz\0".getBytes(StandardCharsets.US_ASCII);
          return t().entry(h, new byte[0]).end().bytes();
        }, "cs.txt", "checksum"),
        reject("size-negative-base256", s -> {
          TarBytes.Header h = TarBytes.header("neg.txt", TarBytes.REG);
          h.rawSize = TarBytes.base256(-1, 12);
          return t().header(h).end().bytes();
        }, "neg.txt"),
        reject("size-huge-octal", s -> {
          TarBytes.Header h = TarBytes.header("huge.txt", TarBytes.REG);
          h.size = 077777777777L; // 8 GiB - 1, only one block of data follows
          return t().header(h).raw(new byte[512]).bytes();
        }, "huge.txt"),
        reject("size-huge-base256", s -> {
          TarBytes.Header h = TarBytes.header("huge.txt", TarBytes.REG);
          h.rawSize = TarBytes.base256(1L << 62, 12);
          return t().header(h).raw(new byte[512]).end().bytes();
        }, "huge.txt"),
        reject("pax-size-negative", s ->
            t().pax("size", "-1").file("neg.txt", "").end().bytes(), "neg.txt"),
        reject("pax-size-garbage", s ->
            t().pax("size", "12abc").file("garbage-size.txt", "").end().bytes(), "garbage-size.txt"),
        reject("pax-size-overflow", s ->
            t().pax("size", "99999999999999999999999").file("overflow.txt", "").end().bytes(),
            "overflow.txt"),
        reject("pax-record-length-lies", s -> t()
            .paxRaw("99 path=victim.txt\n".getBytes(StandardCharsets.US_ASCII))
            .file("x.txt", "x").end().bytes(), "victim.txt", "x.txt", "pax"),
        reject("pax-record-without-equals", s -> t()
            .paxRaw("14 pathvictim\n".getBytes(StandardCharsets.US_ASCII))
            .file("x.txt", "x").end().bytes(), "x.txt", "pax"),
        reject("pax-size-smaller-than-data", s -> {
          // PAX says 10 bytes, the header and the data say 1000: the rest of the data is read as headers.
          byte[] data = new byte[1000];
          Arrays.fill(data, (byte) 'A');
          TarBytes.Header h = TarBytes.header("mismatch.txt", TarBytes.REG);
          h.size = 1000;
          return t().pax("size", "10").entry(h, data).end().bytes();
        }),
        reject("pax-path-with-nul", s -> t()
            .paxBytes(Map.of("path", "nul\0name.txt".getBytes(StandardCharsets.US_ASCII)))
            .file("x.txt", "x").end().bytes(), "nul", "x.txt"),
        reject("pax-uid-overflow", s -> t().pax("uid", "4294967296").file("biguid.txt", "x").end().bytes(),
            "biguid.txt"),
        reject("pax-uid-negative", s -> t().pax("uid", "-5").file("neguid.txt", "x").end().bytes(),
            "neguid.txt"),
        reject("pax-xattr-empty-name", s -> t().pax("SCHILY.xattr.", "v").file("noname.txt", "x").end()
            .bytes(), "noname.txt"),
        reject("pax-header-huge", s -> {
          TarBytes.Header h = TarBytes.header("PaxHeaders.0/big", TarBytes.PAX);
          h.size = 1L << 30; // 1 GiB of records announced, one block given
          return t().header(h).raw(new byte[512]).bytes();
        }),
        reject("gnu-longname-huge", s -> {
          TarBytes.Header h = TarBytes.header("././@LongLink", TarBytes.GNU_LONGNAME);
          h.gnu = true;
          h.size = 1L << 30;
          return t().header(h).raw(new byte[512]).bytes();
        }),
        reject("gnu-longname-chain-without-entry", s -> {
          TarBytes b = t();
          for (int i = 0; i < 50; i++) {
            b.gnuLongName("loop-" + i + "/" + "n".repeat(150));
          }
          return b.end().bytes();
        }, "loop-49", "longlink", "long name", "longname",
            "offset 51200"), // no member follows the chain: its offset is the only name there is
        reject("unknown-typeflag", s -> {
          TarBytes.Header h = TarBytes.header("weird", 'Z');
          return t().entry(h, new byte[0]).end().bytes();
        }, "weird"),
        accept("only-zero-blocks", s -> new byte[10240], (s, n) -> assertThat(n).isZero()),
        reject("empty-input", s -> new byte[0],
            "truncated", "empty", "end-of-archive", "end of archive"),
        reject("random-garbage", s -> random(4096, 1)),
        reject("lone-zero-block-then-entry", s -> t().zeros(1).file("hidden.txt", "h").end().bytes()),
        reject("gzip-garbage", s -> concat(new byte[] {0x1f, (byte) 0x8b, 8, 0}, random(2048, 2))),
        reject("gzip-truncated", s -> {
          byte[] gz = gzip(t().file("big.bin", random(65536, 3)).end().bytes());
          return Arrays.copyOf(gz, gz.length / 2);
        }, "big.bin", "gzip", "unexpected end", "eof", "truncat"),
        reject("zstd-garbage", s -> concat(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd},
            random(2048, 4))),
        reject("zstd-truncated", s -> {
          byte[] z = zstd(t().file("big.bin", random(65536, 5)).end().bytes());
          return Arrays.copyOf(z, z.length / 2);
        }),
        accept("gzip-valid-control", s -> gzip(t().file("gz.txt", "gzip").end().bytes()),
            (s, n) -> assertThat(s.layer("gz.txt")).hasContent("gzip")),
        accept("zstd-valid-control", s -> zstd(t().file("zst.txt", "zstd").end().bytes()),
            (s, n) -> assertThat(s.layer("zst.txt")).hasContent("zstd")),
        accept("typeflag-wins-over-mode-type-bits", s -> {
          TarBytes.Header h = TarBytes.header("typebits.txt", TarBytes.REG);
          h.mode = 0040755; // directory bits in the mode of a regular file entry
          h.size = 2;
          return t().entry(h, "tb".getBytes(StandardCharsets.US_ASCII)).end().bytes();
        }, (s, n) -> {
          assertThat(s.layer("typebits.txt")).isRegularFile().hasContent("tb");
          assertThat(Files.getPosixFilePermissions(s.layer("typebits.txt")))
              .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        }));
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] zstd(byte[] data) {
    ZstdCompressor c = new ZstdCompressor();
    byte[] out = new byte[c.maxCompressedLength(data.length)];
    int n = c.compress(data, 0, data.length, out, 0, out.length);
    return Arrays.copyOf(out, n);
  }
}
