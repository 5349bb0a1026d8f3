package org.dfbk.train.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiNames;

/**
 * Which files belong to each predicted volume of an evaluation ({@code dfbk eval --pred}): its
 * truth and, where asked for, the source beside the truth (for the baselines), a foreground mask
 * and a lesion mask.
 *
 * <p>The truth, mask and lesion folders hold the same relative paths as the predictions root
 * (a prediction {@code P/s1/T2.nii.gz} pairs with {@code T/s1/T2.nii.gz}); a fixed file name
 * ({@link Layout#truthName()}, {@link Layout#lesionName()}) replaces the file name inside the
 * matching folder. A truth that is a file is the truth of every prediction. The source is the
 * file {@link Layout#sourceName()} beside the truth, and the SynthRAD 2023 protocol without a
 * mask folder reads {@value #BODY_MASK} beside the truth.
 *
 * <p>{@link #pair} checks that every paired file exists before any volume is read, and lists all
 * that are missing, so a wrong folder costs no evaluation time.
 */
public final class VolumePairing {
  /** The SynthRAD 2023 layout's body mask, beside each truth. */
  public static final String BODY_MASK = "mask.nii.gz";

  private VolumePairing() {}

  /**
   * Where the paired files are.
   *
   * @param predictions the predictions root: one file, or a folder
   * @param truth the truth root: a folder with the predictions' relative paths, or one file
   * @param truthName the truth's file name inside the matching folder, or null for the
   *     prediction's own name
   * @param sourceName the source's file name beside the truth (adds the baselines), or null
   * @param masks the mask folder (the predictions' relative paths), or null
   * @param bodyMaskBesideTruth whether, without a mask folder, {@value #BODY_MASK} beside the
   *     truth is the mask (the SynthRAD 2023 protocol)
   * @param lesions the lesion-mask folder (the predictions' relative paths), or null
   * @param lesionName the lesion mask's file name inside the matching folder of {@code lesions},
   *     or null for the prediction's own name
   */
  public record Layout(Path predictions, Path truth, String truthName, String sourceName,
      Path masks, boolean bodyMaskBesideTruth, Path lesions, String lesionName) {
    public Layout {
      if (predictions == null || truth == null) {
        throw new IllegalArgumentException("the predictions and the truth are required");
      }
      if (lesionName != null && lesions == null) {
        throw new ConfigException("--lesion-name needs --lesions DIR (the folder of lesion masks)");
      }
    }

    /** Predictions against the truth, nothing beside them. */
    public static Layout of(Path predictions, Path truth) {
      return new Layout(predictions, truth, null, null, null, false, null, null);
    }
  }

  /**
   * The files of one prediction; {@code source}, {@code mask} and {@code lesions} are null where
   * the layout asks for none.
   *
   * @param subject the prediction's path relative to the predictions root, without the NIfTI
   *     extension ({@code s1/T2}); its file name alone when the root is a file
   */
  public record Pair(Path prediction, String subject, Path truth, Path source, Path mask,
      Path lesions) {}

  /**
   * The files of each prediction, in the order given.
   *
   * @param predictions files under {@link Layout#predictions()} (or that file itself)
   * @throws DataException listing the predictions without a truth (checked first), then the
   *     missing sources, then the missing masks and lesion masks
   */
  public static List<Pair> pair(Layout layout, List<Path> predictions) {
    List<Pair> pairs = new ArrayList<>();
    for (Path p : predictions) {
      pairs.add(pairOf(layout, p));
    }
    requireTruths(layout, pairs);
    requireSources(layout, pairs);
    requireMasks(pairs);
    return pairs;
  }

  /** The files of prediction {@code p}, whether they exist or not. */
  static Pair pairOf(Layout layout, Path p) {
    Path rel = relative(layout, p);
    Path truth;
    if (Files.isRegularFile(layout.truth())) {
      truth = layout.truth();
    } else {
      Path t = layout.truth().resolve(rel);
      truth = layout.truthName() != null ? t.resolveSibling(layout.truthName()) : t;
    }
    Path source = layout.sourceName() == null ? null : truth.resolveSibling(layout.sourceName());
    Path mask = layout.masks() != null ? layout.masks().resolve(rel)
        : layout.bodyMaskBesideTruth() ? truth.resolveSibling(BODY_MASK) : null;
    Path lesions = null;
    if (layout.lesions() != null) {
      Path l = layout.lesions().resolve(rel);
      lesions = layout.lesionName() != null ? l.resolveSibling(layout.lesionName()) : l;
    }
    String subject = NiftiNames.stem(rel.toString().replace('\\', '/'));
    return new Pair(p, subject, truth, source, mask, lesions);
  }

  /** {@code p} relative to the predictions root (its file name when the root is a file). */
  private static Path relative(Layout layout, Path p) {
    return Files.isRegularFile(layout.predictions()) ? p.getFileName()
        : layout.predictions().relativize(p);
  }

  private static void requireTruths(Layout layout, List<Pair> pairs) {
    List<String> missing = new ArrayList<>();
    for (Pair p : pairs) {
      if (!Files.isRegularFile(p.truth())) {
        missing.add(p.prediction() + " (expected " + p.truth() + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new DataException("no truth for " + missing.size() + " of " + pairs.size()
          + " prediction(s): " + firstThree(missing)
          + (Files.exists(layout.truth()) ? "" : "; --truth " + layout.truth() + " does not exist")
          + ". Fix: --truth must hold the same relative"
          + " paths as --pred; use --truth-name if the file names differ");
    }
  }

  private static void requireSources(Layout layout, List<Pair> pairs) {
    List<String> missing = new ArrayList<>();
    for (Pair p : pairs) {
      if (p.source() != null && !Files.isRegularFile(p.source())) {
        missing.add(p.source().toString());
      }
    }
    if (!missing.isEmpty()) {
      throw new DataException("no source for the baselines beside " + missing.size() + " of "
          + pairs.size() + " truth(s): expected " + firstThree(missing) + ". Fix: --source-name"
          + " names the source file in each truth's folder (e.g. T1.nii.gz); leave it out to"
          + " evaluate without the baselines");
    }
  }

  private static void requireMasks(List<Pair> pairs) {
    List<String> missing = new ArrayList<>();
    for (Pair p : pairs) {
      for (Path f : new Path[] {p.mask(), p.lesions()}) {
        if (f != null && !Files.isRegularFile(f)) {
          missing.add(f.toString());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new DataException("missing " + missing.size() + " mask file(s): " + firstThree(missing)
          + ". Fix: --mask and --lesions hold the same"
          + " relative paths as --pred (use --lesion-name for a fixed lesion file name); the"
          + " synthrad2023 protocol without --mask reads " + BODY_MASK + " beside each truth");
    }
  }

  private static String firstThree(List<String> items) {
    return String.join(", ", items.subList(0, Math.min(3, items.size())))
        + (items.size() > 3 ? ", ..." : "");
  }
}
