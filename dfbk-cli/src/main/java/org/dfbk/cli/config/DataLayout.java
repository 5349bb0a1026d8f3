package org.dfbk.cli.config;

import java.util.Locale;

/**
 * {@code data.layout}: how a dataset folder is organised (README "Data layouts").
 * {@link #PHANTOM} is a paired folder that {@code dfbk demo} and {@code dfbk bench} generate.
 */
public enum DataLayout {
  BRATS2023,
  ISLES2015,
  SYNTHRAD2023,
  PAIRED,
  PHANTOM;

  /** The name of the dataset reader ({@code org.dfbk.data.dataset.DatasetLayouts}). */
  public String readerName() {
    return this == PHANTOM ? "paired" : name().toLowerCase(Locale.ROOT);
  }
}
