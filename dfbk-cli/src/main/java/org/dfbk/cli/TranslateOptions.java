package org.dfbk.cli;

import java.util.Locale;
import org.dfbk.core.error.ConfigException;
import org.dfbk.train.infer.FileTranslator;
import picocli.CommandLine.Option;

/**
 * The options of translating files with a checkpoint, one definition for every front end that
 * translates files ({@code dfbk translate} and the Spark job): which files, how outputs are named,
 * the sampling (samples, batch, seed, test-time augmentation), the volume of 4-D inputs and
 * {@code --strict}; {@link #validate()} is their one check, and {@link #translator} builds the
 * {@link FileTranslator} they describe.
 */
public final class TranslateOptions {
  @Option(names = "--glob", defaultValue = "*", paramLabel = "GLOB",
      description = "With a folder (or a glob): only files whose name matches (e.g."
          + " '*t1n.nii.gz').")
  String glob = "*";

  @Option(names = "--output-name", paramLabel = "NAME",
      description = "Name of each output file (e.g. T2.nii.gz); default: the input's name, as"
          + " .nii.gz.")
  String outputName;

  @Option(names = "--samples", defaultValue = "1", paramLabel = "K",
      description = "Samples per slice (default 1); K > 1 adds a *_std uncertainty volume.")
  int samples = 1;

  @Option(names = "--batch", defaultValue = "8", paramLabel = "B",
      description = "Slices per network call (default 8).")
  int batch = 8;

  @Option(names = "--seed", defaultValue = "0", description = "Sampler seed (default 0).")
  long seed;

  @Option(names = "--volume", paramLabel = "T",
      description = "With 4-D inputs (e.g. a DWI series): translate volume T (0-based) of each.")
  Integer volume;

  @Option(names = "--tta", defaultValue = "none", paramLabel = "none|flip",
      description = "Test-time augmentation: flip also translates each slice mirrored left-right"
          + " and averages both passes (with --samples K: mean and std over 2K samples; twice the"
          + " time). Default ${DEFAULT-VALUE}.")
  String tta = "none";

  @Option(names = "--strict", description = "Refuse (exit code 3, nothing written for them) scans"
      + " unlike the training data (skull-on vs stripped, another field of view, foreground share"
      + " or intensity distribution, an oblique grid) or with NaN voxels, instead of translating"
      + " them with a warning.")
  boolean strict;

  /**
   * Checks the values: at least one sample and one slice per call, a volume index of at least 0,
   * and a known test-time augmentation.
   *
   * @throws ConfigException naming the option, the value given and what is allowed
   */
  public void validate() {
    if (samples < 1 || batch < 1) {
      throw new ConfigException("--samples and --batch must be >= 1, got " + samples + " and "
          + batch);
    }
    if (volume != null && volume < 0) {
      throw new ConfigException("--volume must be >= 0 (0 is the first volume), got " + volume);
    }
    if (!tta.equalsIgnoreCase("none") && !tta.equalsIgnoreCase("flip")) {
      throw new ConfigException("--tta must be none or flip, got '" + tta + "'");
    }
  }

  /** The translator of {@code m} with these options ({@link Translators#of}). */
  public FileTranslator translator(Pipeline.Loaded m) {
    return Translators.of(m, batch, samples, seed, volume, strict, flip());
  }

  public String glob() {
    return glob;
  }

  /** The name of every output file, or null for each input's own name as .nii.gz. */
  public String outputName() {
    return outputName;
  }

  public int samples() {
    return samples;
  }

  public int batch() {
    return batch;
  }

  public long seed() {
    return seed;
  }

  /** The volume index of 4-D inputs, or null to refuse series of several volumes. */
  public Integer volume() {
    return volume;
  }

  public boolean strict() {
    return strict;
  }

  /** Whether each slice is also translated mirrored left-right ({@code --tta flip}). */
  public boolean flip() {
    return tta.toLowerCase(Locale.ROOT).equals("flip");
  }
}
