package org.unionfs.api.layer.testing;

import java.util.List;
import java.util.function.Function;

/**
 * One tar of the hostile corpus and what applying it must do.
 *
 * @param name short id, also the test's display name
 * @param tar the bytes, built for a given sandbox (some entries name its absolute paths)
 * @param mentions for a case that must be refused: the message of the
 *     {@link org.unionfs.api.error.InvalidArgumentException} must contain one of these (case-insensitive);
 *     an empty list means only the type is checked (no entry name can be decoded, e.g. garbage bytes).
 *     Null for a case that must be accepted.
 * @param check for an accepted case: what the layer must look like afterwards
 */
public record HostileCase(String name, Function<Sandbox, byte[]> tar, List<String> mentions,
    AcceptCheck check) {

  /** Verifies the layer after an accepted apply. */
  @FunctionalInterface
  public interface AcceptCheck {
    void verify(Sandbox sandbox, long returnedSize) throws Exception;
  }

  public boolean mustReject() {
    return mentions != null;
  }

  public static HostileCase reject(String name, Function<Sandbox, byte[]> tar, String... mentions) {
    return new HostileCase(name, tar, List.of(mentions), null);
  }

  public static HostileCase accept(String name, Function<Sandbox, byte[]> tar, AcceptCheck check) {
    return new HostileCase(name, tar, null, check);
  }

  @Override
  public String toString() {
    return name;
  }
}
