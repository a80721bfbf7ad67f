package org.unionfs.api.spi;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.unionfs.api.error.InvalidArgumentException;

/**
 * Reads {@code key=value} options for a driver, remembering which keys were read so that unknown keys can be
 * refused by name ({@link #requireAllUsed}).
 *
 * <pre>
 *   DriverOptions o = DriverOptions.of("vfs", context.options());
 *   long size = o.size("size", 0);
 *   o.requireAllUsed();          // "vfs: unknown option "sise""
 * </pre>
 */
public final class DriverOptions {
  private final String owner;
  private final Map<String, String> values;
  private final Set<String> used = new LinkedHashSet<>();

  private DriverOptions(String owner, Map<String, String> values) {
    this.owner = owner;
    this.values = values;
  }

  /** Options given as a map (keys compared case-insensitively, as Docker does). */
  public static DriverOptions of(String owner, Map<String, String> options) {
    Map<String, String> lower = new LinkedHashMap<>();
    options.forEach((k, v) -> lower.put(k.trim().toLowerCase(java.util.Locale.ROOT), v.trim()));
    return new DriverOptions(owner, lower);
  }

  /** Parses "key=value" strings into a map, refusing anything without '='. */
  public static Map<String, String> parse(List<String> keyValues) throws InvalidArgumentException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String kv : keyValues) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new InvalidArgumentException("option \"" + kv + "\": expected key=value");
      }
      map.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return map;
  }

  /** The raw value of {@code key}, or {@code fallback}. */
  public String string(String key, String fallback) {
    used.add(key);
    return values.getOrDefault(key, fallback);
  }

  /** A boolean ("true"/"false"/"1"/"0"), or {@code fallback}. */
  public boolean bool(String key, boolean fallback) throws InvalidArgumentException {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw invalid(key, v, "expected true or false");
    };
  }

  /** A size in bytes ("10G", "50M", "512k", "1024"), binary multiples as Docker's RAMInBytes. */
  public long size(String key, long fallback) throws InvalidArgumentException {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Sizes.parseRamBytes(v);
    } catch (IllegalArgumentException e) {
      throw invalid(key, v, e.getMessage());
    }
  }

  /** An integer, or {@code fallback}. */
  public long number(String key, long fallback) throws InvalidArgumentException {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "expected an integer");
    }
  }

  /** Refuses every key that no accessor asked for. */
  public void requireAllUsed() throws InvalidArgumentException {
    for (String key : values.keySet()) {
      if (!used.contains(key)) {
        throw new InvalidArgumentException(owner + ": unknown option \"" + key + "\"");
      }
    }
  }

  public InvalidArgumentException invalid(String key, String value, String why) {
    return new InvalidArgumentException(owner + ": option " + key + "=" + value + ": " + why);
  }
}
