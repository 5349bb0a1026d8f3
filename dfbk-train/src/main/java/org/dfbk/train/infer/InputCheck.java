package org.dfbk.train.infer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.InputProfile;
import org.dfbk.data.transform.ModalityKind;

/**
 * Compares a scan's {@link InputProfile} with the {@link DataProfile} of the training inputs and
 * says, for each way it differs, why the translation may be poor and what to do. The field of view
 * is {@link ScaleCheck}'s. The checks, each a warning of its own:
 *
 * <ul>
 *   <li><b>skull</b> (MR): the training volumes were all skull-stripped and the scan looks
 *       skull-on ({@link InputProfile#looksSkullOn()}), or the other way round;</li>
 *   <li><b>foreground</b>: the median share of a slice that is foreground is more than
 *       {@link #FOREGROUND_RATIO} times above or below the training median, and outside the
 *       training volumes' own range widened by {@link #FOREGROUND_MARGIN} (not reported at
 *       another field of view, which explains it and which {@link ScaleCheck} reports);</li>
 *   <li><b>oblique</b>: the voxel grid is tilted more than {@link #OBLIQUE_MARGIN_DEGREES}° beyond
 *       the most tilted training volume ({@link InputProfile#obliqueDegrees()});</li>
 *   <li><b>intensity</b> (not reported beside a skull warning, which explains it): a quantile
 *       of the foreground's intensities (on the percentile scale, where the 99.5th percentile is
 *       1) lies more than {@link #QUANTILE_MARGIN} outside the range
 *       of the training volumes' same quantile: another contrast, a background that is not 0, or a
 *       strong bias field.</li>
 * </ul>
 * The margins are wide on purpose: the two skull-stripped open-ms T1 volumes differ by up to 0.17
 * in these quantiles (patient07: 0.19, 0.58, 0.74, 0.86, 0.94; patient19: 0.10, 0.41, 0.66,
 * 0.79, 0.90) and by a factor 1.13 in foreground share, and a warning should mean something.
 */
public final class InputCheck {
  /** Foreground shares differing by more than this factor from training are reported. */
  public static final double FOREGROUND_RATIO = 1.5;
  /** Factor by which the training volumes' foreground range is widened. */
  public static final double FOREGROUND_MARGIN = 1.25;
  /** Distance (percentile scale) outside the training range of a quantile that is reported. */
  public static final double QUANTILE_MARGIN = 0.25;

  /** Degrees of tilt beyond the training volumes' largest that are reported. */
  public static final double OBLIQUE_MARGIN_DEGREES = 10;

  private InputCheck() {}

  /**
   * The warnings for {@code file}; none when {@code trained} is null (a checkpoint that does not
   * record its training inputs) or the scan has no slice with foreground.
   *
   * @param modality the source modality the model was trained on, named in the advice
   */
  public static List<String> warnings(Path file, InputProfile input, DataProfile trained,
      String modality) {
    List<String> out = new ArrayList<>();
    if (trained == null || input.slices() == 0) {
      return out;
    }
    boolean mr = trained.kind() == ModalityKind.MR && trained.skullOnShare() != null;
    boolean skullOn = mr && input.looksSkullOn();
    boolean trainedStripped = mr && trained.skullOnShare() <= 0.1;
    boolean trainedSkullOn = mr && trained.skullOnShare() >= 0.9;
    double fgRatio = input.foregroundFraction() / trained.foregroundFraction();
    boolean fgOff = (fgRatio > FOREGROUND_RATIO || fgRatio < 1 / FOREGROUND_RATIO)
        && (input.foregroundFraction() > trained.foregroundFractionMax() * FOREGROUND_MARGIN
            || input.foregroundFraction() < trained.foregroundFractionMin() / FOREGROUND_MARGIN);
    String fg = String.format(Locale.ROOT, "foreground covers %.0f %% of the slice vs %.0f %% in"
        + " training", 100 * input.foregroundFraction(), 100 * trained.foregroundFraction());
    List<String> skullWhy = new ArrayList<>();
    if (input.floorBackgroundShare() < InputProfile.MASKED_BACKGROUND) {
      skullWhy.add(String.format(Locale.ROOT, "only %.0f %% of its background is exactly 0 (a"
          + " brain mask leaves all of it 0; a scanner leaves noise)",
          100 * input.floorBackgroundShare()));
    }
    if (input.enclosedDarkFraction() >= InputProfile.SKULL_ON_ENCLOSED) {
      skullWhy.add(String.format(Locale.ROOT, "%.0f %% of the head outline is dark tissue"
          + " enclosed by bright tissue (skull inside scalp; skull-stripped: below %.0f %%)",
          100 * input.enclosedDarkFraction(), 100 * InputProfile.SKULL_ON_ENCLOSED));
    }
    double fovRatio = input.fieldOfViewMm() / trained.fieldOfViewMm();
    boolean fovOff = fovRatio > ScaleCheck.TOLERANCE || fovRatio < 1 / ScaleCheck.TOLERANCE;
    boolean skullReported = false;
    if (skullOn && trainedStripped) {
      skullReported = true;
      out.add(String.format(Locale.ROOT, "%s: %s; %s: the scan looks skull-on; the model was"
          + " trained on skull-stripped %s, so it will translate scalp and skull it never saw."
          + " Fix: strip it first (e.g. SynthStrip: mri_synthstrip -i in.nii.gz -o"
          + " stripped.nii.gz; HD-BET; FSL bet), see docs/preprocessing.md", file, fg,
          String.join("; ", skullWhy), modality));
    } else if (!skullOn && trainedSkullOn && mr) {
      skullReported = true;
      out.add(String.format(Locale.ROOT, "%s: %sthe scan looks skull-stripped (%.0f %% of the"
          + " head outline is enclosed dark tissue, skull-on: %.0f %% or more); the model was"
          + " trained on skull-on %s. Fix: translate the scan before skull stripping, or train on"
          + " skull-stripped data", file, fgOff ? fg + "; " : "",
          100 * input.enclosedDarkFraction(), 100 * InputProfile.SKULL_ON_ENCLOSED, modality));
    } else if (fgOff && !fovOff) {
      // (at another field of view the share follows from it: ScaleCheck says so)
      out.add(String.format(Locale.ROOT, "%s: %s (training volumes %.0f–%.0f %%): the anatomy"
          + " fills %s of the slice than in training, so the field of view, the cropping or the"
          + " mask differs. Fix: bring the scan to the training data's preparation (crop or pad"
          + " in-plane to the training field of view, about %.0f mm; mask it as the training"
          + " data were), see docs/preprocessing.md", file, fg,
          100 * trained.foregroundFractionMin(), 100 * trained.foregroundFractionMax(),
          fgRatio > 1 ? "more" : "less", trained.fieldOfViewMm()));
    }
    if (input.obliqueDegrees() > trained.obliqueDegreesMax() + OBLIQUE_MARGIN_DEGREES) {
      out.add(String.format(Locale.ROOT, "%s: its voxel grid is tilted %.0f° from the world"
          + " axes (training volumes: at most %.0f°); slices are cut along the closest voxel"
          + " axis, so they cut the anatomy at another angle than the training slices did. Fix:"
          + " resample the scan into the training space (register it to the template the"
          + " training data were registered to, or at least resample it onto the world axes),"
          + " see docs/preprocessing.md", file, input.obliqueDegrees(),
          trained.obliqueDegreesMax()));
    }
    if (skullReported) {
      return out; // scalp and skull change the intensities too: the skull says why
    }
    List<String> off = new ArrayList<>();
    double[] levels = InputProfile.QUANTILE_LEVELS;
    for (int i = 0; i < levels.length; i++) {
      double q = input.quantiles()[i];
      if (q < trained.quantilesMin()[i] - QUANTILE_MARGIN
          || q > trained.quantilesMax()[i] + QUANTILE_MARGIN) {
        off.add(String.format(Locale.ROOT, "%.0fth %.2f vs %.2f–%.2f", 100 * levels[i], q,
            trained.quantilesMin()[i], trained.quantilesMax()[i]));
      }
    }
    if (!off.isEmpty()) {
      out.add(String.format(Locale.ROOT, "%s: the intensities inside the foreground are"
          + " distributed unlike the training %s's (percentiles on the scale where the 99.5th is 1:"
          + " %s in training), so the contrast differs: another sequence or modality, a background"
          + " that is not 0, or a strong bias field. Fix: check that the scan is %s, correct the"
          + " bias field (N4: N4BiasFieldCorrection -i in.nii.gz -o n4.nii.gz) and set the"
          + " background to 0, see docs/preprocessing.md", file, modality,
          String.join(", ", off), modality));
    }
    return out;
  }
}
