package org.dfbk.data.dataset;

import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;

/** Looks dataset layouts up by name. */
public final class DatasetLayouts {
  /** The names {@link #byName(String)} accepts. */
  public static final List<String> NAMES = List.of("brats2023", "isles2015", "synthrad2023",
      "paired");

  private DatasetLayouts() {}

  /**
   * The layout with this name (case-insensitive).
   *
   * @throws ConfigException listing the allowed names
   */
  public static DatasetLayout byName(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "brats2023":
        return new Brats2023Layout();
      case "isles2015":
        return new Isles2015Layout();
      case "synthrad2023":
        return new SynthRad2023Layout();
      case "paired":
        return new PairedFolderLayout();
      default:
        throw new ConfigException("unknown dataset layout '" + name + "'; allowed: " + NAMES);
    }
  }
}
