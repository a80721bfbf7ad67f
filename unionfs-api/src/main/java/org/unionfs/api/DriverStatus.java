package org.unionfs.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The ordered key/value pairs a driver reports, printed by {@code docker info} as "  Key: value".
 *
 * @param entries the pairs, in the driver's order
 */
public record DriverStatus(List<Entry> entries) {

  /** One status pair. */
  public record Entry(String key, String value) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  public DriverStatus {
    entries = List.copyOf(entries);
  }

  public static DriverStatus empty() {
    return new DriverStatus(List.of());
  }

  /** The value of the first pair with this key. */
  public Optional<String> get(String key) {
    return entries.stream().filter(e -> e.key().equals(key)).map(Entry::value).findFirst();
  }

  /** One "Key: value" line per pair, as {@code unionfs status} prints them. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      lines.add(e.key() + ": " + e.value());
    }
    return lines;
  }

  /** Builds a status in insertion order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects pairs in order. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    public Builder add(String key, String value) {
      entries.add(new Entry(key, value));
      return this;
    }

    public DriverStatus build() {
      return new DriverStatus(entries);
    }
  }
}
