package org.dfbk.cli.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.prep.PrepareSpec;
import org.dfbk.data.prep.SliceOptions;
import org.dfbk.data.prep.SquareMode;
import org.dfbk.data.prep.StoreType;

/** The one place where YAML config records become the library's specs. */
public final class Specs {
  private Specs() {}

  /** The dataset folder (layout {@code phantom} is a paired folder generated on demand). */
  public static Path dataRoot(DfbkConfig c) {
    return Paths.get(c.data().root()).toAbsolutePath().normalize();
  }

  public static Path cacheDir(DfbkConfig c) {
    return Paths.get(c.data().cache()).toAbsolutePath().normalize();
  }

  /** Preprocessing spec of the config's data section. */
  public static PrepareSpec prepareSpec(DfbkConfig c) {
    DataConfig d = c.data();
    DataConfig.SplitConfig s = d.split();
    SplitSpec split = s.trainList() != null || s.valList() != null || s.testList() != null
        ? SplitSpec.lists(path(s.trainList()), path(s.valList()), path(s.testList()))
        : SplitSpec.fractions(s.train(), s.val());
    String layout = d.layout().equals("phantom") ? "paired" : d.layout();
    return new PrepareSpec(layout, dataRoot(c), d.source(), d.target(), null, null,
        d.slicesPerSubject(), d.axis(), d.imageSize(), SquareMode.CROP,
        SliceOptions.DEFAULT_MIN_FOREGROUND, split, s.seed(), StoreType.FLOAT32);
  }

  private static Path path(String p) {
    return p == null ? null : Paths.get(p).toAbsolutePath().normalize();
  }
}
