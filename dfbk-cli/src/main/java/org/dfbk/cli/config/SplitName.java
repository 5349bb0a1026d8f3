package org.dfbk.cli.config;

import java.util.Locale;

/** A subject split of the slice cache ({@code eval.split}). */
public enum SplitName {
  TRAIN,
  VAL,
  TEST;

  /** The split's name in the slice cache ("train", "val", "test"). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
