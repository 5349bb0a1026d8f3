package org.dfbk.data.dataset;

import java.nio.file.Path;
import org.dfbk.core.error.ConfigException;

/**
 * How subjects are split into train / val / test: either by seeded shuffle with fractions (the
 * test fraction is the rest), or by explicit list files (one subject id per line; blank lines and
 * lines starting with {@code #} are ignored). When any list is given, fractions are unused and
 * subjects in no list are left out.
 *
 * @param trainFraction fraction of subjects for training, in [0, 1]
 * @param valFraction fraction for validation, in [0, 1]; trainFraction + valFraction ≤ 1
 * @param trainList list file of training ids, or null
 * @param valList list file of validation ids, or null
 * @param testList list file of test ids, or null
 */
public record SplitSpec(double trainFraction, double valFraction, Path trainList, Path valList,
    Path testList) {

  public SplitSpec {
    if (!(trainFraction >= 0 && trainFraction <= 1) || !(valFraction >= 0 && valFraction <= 1)
        || trainFraction + valFraction > 1 + 1e-9) {
      throw new ConfigException("split fractions must be in [0, 1] with train + val <= 1,"
          + " got train " + trainFraction + " and val " + valFraction);
    }
  }

  /** Seeded shuffle with these fractions (test = 1 − train − val). */
  public static SplitSpec fractions(double train, double val) {
    return new SplitSpec(train, val, null, null, null);
  }

  /** Explicit list files; any may be null (an empty split). */
  public static SplitSpec lists(Path train, Path val, Path test) {
    if (train == null && val == null && test == null) {
      throw new ConfigException("split lists: give at least one of train, val, test list files");
    }
    return new SplitSpec(0, 0, train, val, test);
  }

  /** True when list files decide the split. */
  public boolean usesLists() {
    return trainList != null || valList != null || testList != null;
  }
}
