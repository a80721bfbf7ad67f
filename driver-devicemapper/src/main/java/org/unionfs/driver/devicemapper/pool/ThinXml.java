package org.unionfs.driver.devicemapper.pool;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * The pool's metadata in thin-provisioning-tools' XML ({@code thin_dump} output, {@code thin_restore}
 * input). The export is byte-for-byte what {@code thin_dump} prints for the same metadata: mappings
 * whose virtual and data blocks both advance by one at the same time merge into a range. Block sizes
 * are in 512-byte sectors there.
 */
public final class ThinXml {
  private ThinXml() {}

  /** Writes the pool's current state (the open transaction included; commit first for the committed one). */
  public static void export(ThinPool pool, OutputStream out) throws IOException {
    synchronized (pool) {
      PoolState s = pool.state();
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII), 1 << 16);
      w.write("<superblock uuid=\"\" time=\"" + s.time + "\" transaction=\"" + s.transactionId
          + "\" flags=\"0\" version=\"2\" data_block_size=\"" + pool.blockSize() / 512 + "\" nr_data_blocks=\""
          + s.nrDataBlocks + "\">\n");
      for (PoolState.Device d : s.devices.values()) {
        w.write("  <device dev_id=\"" + d.id + "\" mapped_blocks=\"" + d.map.mapped() + "\" transaction=\""
            + d.transactionId + "\" creation_time=\"" + d.creationTime + "\" snap_time=\"" + d.snapshottedTime
            + "\">\n");
        Runs runs = new Runs(w);
        d.map.forEach(runs::add);
        runs.flush();
        w.write("  </device>\n");
      }
      w.write("</superblock>\n");
      w.flush();
    }
  }

  /** Merges consecutive mappings into thin_dump's range_mapping elements. */
  private static final class Runs {
    private final Writer w;
    private long v0 = -1;
    private long b0;
    private long len;
    private int t0;
    private IOException failure;

    Runs(Writer w) {
      this.w = w;
    }

    void add(long v, long b, int t) {
      if (len > 0 && v == v0 + len && b == b0 + len && t == t0) {
        len++;
        return;
      }
      flush0();
      v0 = v;
      b0 = b;
      t0 = t;
      len = 1;
    }

    void flush() throws IOException {
      flush0();
      if (failure != null) {
        throw failure;
      }
    }

    private void flush0() {
      if (len == 0 || failure != null) {
        return;
      }
      try {
        if (len == 1) {
          w.write("    <single_mapping origin_block=\"" + v0 + "\" data_block=\"" + b0 + "\" time=\"" + t0
              + "\"/>\n");
        } else {
          w.write("    <range_mapping origin_begin=\"" + v0 + "\" data_begin=\"" + b0 + "\" length=\"" + len
              + "\" time=\"" + t0 + "\"/>\n");
        }
      } catch (IOException e) {
        failure = e;
      }
      len = 0;
    }
  }

  /**
   * Loads thin_dump XML into an empty pool and commits it (the metadata only, as thin_restore: the
   * data file is not touched). Stricter than thin_restore: ids must be 24-bit, data blocks inside the
   * pool, virtual blocks mapped once per device, and the block size must be the pool's.
   *
   * @throws InvalidArgumentException naming the element when the XML is not acceptable; the pool
   *     is then left empty
   */
  public static void restore(ThinPool pool, InputStream in) throws IOException {
    pool.exclusively(() -> {
      PoolState s = pool.state();
      if (!s.devices.isEmpty()) {
        throw new InvalidArgumentException("devicemapper pool " + pool.directory() + ": restore needs an empty pool");
      }
      pool.commit(); // so a failed restore can roll back to exactly this point
      int time = s.time;
      long tid = s.transactionId;
      try {
        parse(pool, s, in);
        pool.checkpointNextCommit();
        pool.commit(); // may fail for metadata space (PosixException ENOSPC)
      } catch (IOException | XMLStreamException | RuntimeException e) {
        for (Integer id : Set.copyOf(s.devices.keySet())) {
          s.delete(id);
        }
        s.time = time;
        s.transactionId = tid;
        s.journal.clear();
        if (e instanceof IOException io) { // bad content (InvalidArgumentException) or a failed read or commit
          throw io;
        }
        throw new InvalidArgumentException("devicemapper pool " + pool.directory() + ": restore: " + e.getMessage(), e);
      }
    });
  }

  private static void parse(ThinPool pool, PoolState s, InputStream in) throws IOException, XMLStreamException {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    XMLStreamReader r = f.createXMLStreamReader(in);
    boolean superblock = false;
    PoolState.Device dev = null;
    Set<Long> seen = new HashSet<>();
    int time = 0;
    long tid = 0;
    while (r.hasNext()) {
      if (r.next() != XMLStreamConstants.START_ELEMENT) {
        if (r.getEventType() == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("device")) {
          dev = null;
        }
        continue;
      }
      String tag = r.getLocalName();
      switch (tag) {
        case "superblock" -> {
          superblock = true;
          long sectors = Long.parseLong(attr(r, "data_block_size"));
          if (sectors * 512 != pool.blockSize()) {
            throw bad(pool, r, "data_block_size " + sectors + " sectors is not the pool's " + pool.blockSize() / 512);
          }
          long blocks = Long.parseLong(attr(r, "nr_data_blocks"));
          if (blocks > s.nrDataBlocks) {
            throw bad(pool, r, "nr_data_blocks " + blocks + " exceeds the pool's " + s.nrDataBlocks);
          }
          time = Math.toIntExact(Long.parseLong(attr(r, "time")));
          tid = Long.parseLong(attr(r, "transaction"));
        }
        case "device" -> {
          if (!superblock) {
            throw bad(pool, r, "device outside a superblock");
          }
          int id = Math.toIntExact(Long.parseLong(attr(r, "dev_id")));
          if (id < 0 || id > ThinPool.MAX_DEVICE_ID || s.device(id) != null) {
            throw bad(pool, r, "dev_id " + id + " is not a new 24-bit id");
          }
          attr(r, "mapped_blocks"); // required, recomputed (as thin_restore)
          s.createThin(id, Long.parseLong(attr(r, "transaction")),
              Math.toIntExact(Long.parseLong(attr(r, "creation_time"))),
              Math.toIntExact(Long.parseLong(attr(r, "snap_time"))));
          dev = s.device(id);
          seen.clear();
        }
        case "single_mapping", "range_mapping" -> {
          if (dev == null) {
            throw bad(pool, r, tag + " outside a device");
          }
          boolean single = tag.equals("single_mapping");
          long v = Long.parseLong(attr(r, single ? "origin_block" : "origin_begin"));
          long b = Long.parseLong(attr(r, single ? "data_block" : "data_begin"));
          long len = single ? 1 : Long.parseLong(attr(r, "length"));
          int t = Math.toIntExact(Long.parseLong(attr(r, "time")));
          if (v < 0 || b < 0 || len < 1 || b + len > s.nrDataBlocks || t < 0 || t > time) {
            throw bad(pool, r, "mapping " + v + "->" + b + "+" + len + " at time " + t + " is out of range");
          }
          for (long k = 0; k < len; k++) {
            if (!seen.add(v + k)) {
              throw bad(pool, r, "virtual block " + (v + k) + " of device " + dev.id + " mapped twice");
            }
            s.map(dev.id, v + k, b + k, t);
          }
        }
        default -> throw bad(pool, r, "unknown tag " + tag);
      }
    }
    if (!superblock) {
      throw new InvalidArgumentException("devicemapper pool " + pool.directory() + ": restore: no superblock");
    }
    s.time = time;
    s.setTransactionId(tid);
  }

  private static String attr(XMLStreamReader r, String name) throws XMLStreamException {
    String v = r.getAttributeValue(null, name);
    if (v == null) {
      throw new XMLStreamException("could not find attribute " + name + " of " + r.getLocalName(), r.getLocation());
    }
    return v;
  }

  private static InvalidArgumentException bad(ThinPool pool, XMLStreamReader r, String what) {
    return new InvalidArgumentException("devicemapper pool " + pool.directory() + ": restore: line "
        + r.getLocation().getLineNumber() + ": " + what);
  }
}
