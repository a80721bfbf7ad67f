package org.unionfs.api;

/** The kind of a {@link Change}, with moby's one-letter names and ordinal values. */
public enum ChangeKind {
  /** The path exists in both trees and differs ("C"; moby {@code ChangeModify = 0}). */
  MODIFY("C"),
  /** The path exists only in the newer tree ("A"; moby {@code ChangeAdd = 1}). */
  ADD("A"),
  /** The path exists only in the older tree ("D"; moby {@code ChangeDelete = 2}). */
  DELETE("D");

  private final String letter;

  ChangeKind(String letter) {
    this.letter = letter;
  }

  /** The letter {@code docker diff} prints: C, A or D. */
  public String letter() {
    return letter;
  }
}
