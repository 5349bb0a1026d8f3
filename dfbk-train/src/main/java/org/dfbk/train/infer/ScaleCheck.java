package org.dfbk.train.infer;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Compares the scale a scan is translated at with the scale the model was trained at. A slice is
 * cut into squares of its short side, which are resized to the model size by pixel count: one
 * model pixel covers (in-plane pixel size × short side / model size) millimetres, set by the
 * physical field of view, not by the voxel size alone. A scan whose field of view differs from
 * the training data's shows the model its anatomy larger or smaller than it learnt it.
 */
public final class ScaleCheck {
  /** Ratios of input to training scale outside [1/TOLERANCE, TOLERANCE] are reported. */
  public static final double TOLERANCE = 1.25;

  private ScaleCheck() {}

  /**
   * The warning for {@code file}, if its scale differs from the training scale by more than
   * {@link #TOLERANCE}; empty when it does not, or when either scale is unknown.
   *
   * @param inputMm millimetres one model pixel covers in the translated slices (NaN if none)
   * @param trainedMm the same for the training slices, from the checkpoint (null if unknown)
   * @param modelSize the model's image side in pixels
   */
  public static Optional<String> warning(Path file, double inputMm, Double trainedMm,
      int modelSize) {
    if (trainedMm == null || !(trainedMm > 0) || !(inputMm > 0) || !Double.isFinite(inputMm)) {
      return Optional.empty();
    }
    double ratio = inputMm / trainedMm;
    if (ratio <= TOLERANCE && ratio >= 1 / TOLERANCE) {
      return Optional.empty();
    }
    String seen = ratio < 1
        ? String.format(Locale.ROOT, "%.2f times larger", 1 / ratio)
        : String.format(Locale.ROOT, "%.2f times smaller", ratio);
    return Optional.of(String.format(Locale.ROOT, "%s: the short in-plane side of its slices"
        + " covers %.0f mm, the training slices' covered %.0f mm (%.3g vs %.3g mm per model"
        + " pixel), so the model sees the anatomy %s than in training and the translation may be"
        + " poor. Fix: %s the scan in-plane to about %.0f mm, keeping its voxel size",
        file, inputMm * modelSize, trainedMm * modelSize, inputMm, trainedMm, seen,
        ratio > 1 ? "crop" : "pad", trainedMm * modelSize));
  }
}
