package org.dfbk.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.prep.SliceCache;

/** The data a run needs: the slice cache of a config, and generated phantom datasets. */
public final class Datasets {
  private Datasets() {}

  /**
   * Prepares (or reuses, when the config and the files are unchanged) the config's slice cache,
   * with a progress bar on {@code err}.
   */
  public static SliceCache prepare(DfbkConfig c, PrintWriter err) {
    Progress[] bar = new Progress[1];
    return SliceCache.prepare(ConfigMapper.prepareSpec(c), ConfigMapper.cacheDir(c),
        (done, total, subject) -> {
          if (bar[0] == null) {
            bar[0] = new Progress(err, "prepare", total);
          }
          bar[0].update(done, subject);
        });
  }

  /**
   * Generates and writes a seeded phantom dataset in the paired-folder layout.
   *
   * @return the subject folders
   */
  public static List<Path> writePhantom(Path out, int subjects, int size, int slices, long seed) {
    return writePhantom(out, subjects, size, slices, seed, false);
  }

  /**
   * As {@link #writePhantom(Path, int, int, int, long)}, with scalp and skull set to background
   * in every image when {@code skullStripped} (a skull-stripped cohort, like open-ms or BraTS).
   */
  public static List<Path> writePhantom(Path out, int subjects, int size, int slices, long seed,
      boolean skullStripped) {
    PhantomGenerator g = PhantomGenerator.builder().optSize(size, size, slices).optSeed(seed)
        .optSkullStripped(skullStripped).build();
    return PhantomGenerator.writeDataset(out, subjects, g);
  }
}
