package org.dfbk.data.cache;

import java.nio.file.Path;
import org.dfbk.core.error.ConfigException;
import org.dfbk.data.dataset.DatasetLayouts;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.transform.ConditionLayout;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.transform.SliceOptions;
import org.dfbk.data.transform.SliceSelector;
import org.dfbk.data.transform.SquareMode;

/**
 * Everything that decides the contents of a slice cache ({@link SliceCache#prepare}); its hash
 * (with the source file fingerprints) decides whether a cache is up to date.
 *
 * @param layout dataset layout name ({@link DatasetLayouts#NAMES})
 * @param root dataset root folder
 * @param sourceModality canonical name of the input modality (the condition y_0), e.g. "T1"
 * @param targetModality canonical name of the modality to synthesise (x_0), e.g. "T2"
 * @param sourceKind normalisation of the source (null: {@link ModalityKind#forModality})
 * @param targetKind normalisation of the target (null: {@link ModalityKind#forModality})
 * @param slicesPerSubject N slices per subject
 * @param axis slice axis, 2 = z (axial) by default
 * @param imageSize model image side S
 * @param square CROP (default) or PAD to a square before resizing
 * @param minForegroundFraction non-empty slice threshold ({@link SliceSelector})
 * @param split subject split settings
 * @param seed seed of the subject shuffle
 * @param store FLOAT16 or FLOAT32 store
 * @param condition the source modalities and slice context of y_0 (null: {@code sourceModality}
 *     alone, context 0); its first source is {@code sourceModality}, and {@code sourceKind}
 *     normalises every source
 * @param normalization how MR volumes are normalised (null: {@link NormalizationMethod#PERCENTILE})
 */
public record PrepareSpec(String layout, Path root, String sourceModality, String targetModality,
    ModalityKind sourceKind, ModalityKind targetKind, int slicesPerSubject, int axis,
    int imageSize, SquareMode square, double minForegroundFraction, SplitSpec split, long seed,
    StoreType store, ConditionLayout condition, NormalizationMethod normalization) {

  public PrepareSpec {
    if (layout == null || !DatasetLayouts.NAMES.contains(layout)) {
      throw new ConfigException("data layout must be one of " + DatasetLayouts.NAMES + ", got '"
          + layout + "'");
    }
    if (root == null) {
      throw new ConfigException("data root must be set");
    }
    if (sourceModality == null || sourceModality.isBlank() || targetModality == null
        || targetModality.isBlank()) {
      throw new ConfigException("source and target modality must be set, got '" + sourceModality
          + "' and '" + targetModality + "'");
    }
    if (sourceModality.equalsIgnoreCase(targetModality)) {
      throw new ConfigException("source and target modality are both '" + sourceModality
          + "'; translation needs two different modalities");
    }
    if (split == null) {
      throw new ConfigException("split settings must be set");
    }
    if (store == null) {
      throw new ConfigException("store type must be FLOAT16 or FLOAT32, got null");
    }
    sourceKind = sourceKind != null ? sourceKind : ModalityKind.forModality(sourceModality);
    targetKind = targetKind != null ? targetKind : ModalityKind.forModality(targetModality);
    root = root.toAbsolutePath().normalize();
    normalization = normalization != null ? normalization : NormalizationMethod.PERCENTILE;
    new SliceOptions(slicesPerSubject, axis, imageSize, square, minForegroundFraction);
    condition = condition != null ? condition : ConditionLayout.single(sourceModality);
    if (!condition.sources().get(0).equalsIgnoreCase(sourceModality)) {
      throw new ConfigException("the first source of " + condition.sources() + " must be the"
          + " source modality '" + sourceModality + "'");
    }
    for (String s : condition.sources()) {
      if (s.equalsIgnoreCase(targetModality)) {
        throw new ConfigException("source modalities " + condition.sources() + " include the"
            + " target '" + targetModality + "'; translation needs a target that is not a source");
      }
    }
  }

  /** The spec of one source with context 0 (the paper's setting). */
  public PrepareSpec(String layout, Path root, String sourceModality, String targetModality,
      ModalityKind sourceKind, ModalityKind targetKind, int slicesPerSubject, int axis,
      int imageSize, SquareMode square, double minForegroundFraction, SplitSpec split, long seed,
      StoreType store) {
    this(layout, root, sourceModality, targetModality, sourceKind, targetKind, slicesPerSubject,
        axis, imageSize, square, minForegroundFraction, split, seed, store, null,
        NormalizationMethod.PERCENTILE);
  }

  /** A spec with the percentile normalisation. */
  public PrepareSpec(String layout, Path root, String sourceModality, String targetModality,
      ModalityKind sourceKind, ModalityKind targetKind, int slicesPerSubject, int axis,
      int imageSize, SquareMode square, double minForegroundFraction, SplitSpec split, long seed,
      StoreType store, ConditionLayout condition) {
    this(layout, root, sourceModality, targetModality, sourceKind, targetKind, slicesPerSubject,
        axis, imageSize, square, minForegroundFraction, split, seed, store, condition,
        NormalizationMethod.PERCENTILE);
  }

  /**
   * Defaults: kinds from the modality names, axial slices, centre crop, 5 % foreground, split
   * 80 / 10 / 10 % by seeded shuffle, seed 0, float16 store.
   */
  public static PrepareSpec of(String layout, Path root, String source, String target,
      int slicesPerSubject, int imageSize) {
    return new PrepareSpec(layout, root, source, target, null, null, slicesPerSubject, 2,
        imageSize, SquareMode.CROP, SliceOptions.DEFAULT_MIN_FOREGROUND,
        SplitSpec.fractions(0.8, 0.1), 0, StoreType.FLOAT16);
  }

  /** The slice settings of this spec. */
  public SliceOptions sliceOptions() {
    return new SliceOptions(slicesPerSubject, axis, imageSize, square, minForegroundFraction);
  }

  public PrepareSpec withSplit(SplitSpec newSplit, long newSeed) {
    return new PrepareSpec(layout, root, sourceModality, targetModality, sourceKind, targetKind,
        slicesPerSubject, axis, imageSize, square, minForegroundFraction, newSplit, newSeed, store,
        condition, normalization);
  }

  public PrepareSpec withStore(StoreType newStore) {
    return new PrepareSpec(layout, root, sourceModality, targetModality, sourceKind, targetKind,
        slicesPerSubject, axis, imageSize, square, minForegroundFraction, split, seed, newStore,
        condition, normalization);
  }

  public PrepareSpec withGeometry(int newAxis, int newImageSize, SquareMode newSquare) {
    return new PrepareSpec(layout, root, sourceModality, targetModality, sourceKind, targetKind,
        slicesPerSubject, newAxis, newImageSize, newSquare, minForegroundFraction, split, seed,
        store, condition, normalization);
  }

  public PrepareSpec withNormalization(NormalizationMethod newNormalization) {
    return new PrepareSpec(layout, root, sourceModality, targetModality, sourceKind, targetKind,
        slicesPerSubject, axis, imageSize, square, minForegroundFraction, split, seed, store,
        condition, newNormalization);
  }

  /** This spec with the sources and context of {@code newCondition} (first source included). */
  public PrepareSpec withCondition(ConditionLayout newCondition) {
    return new PrepareSpec(layout, root, newCondition.sources().get(0), targetModality,
        sourceKind, targetKind, slicesPerSubject, axis, imageSize, square, minForegroundFraction,
        split, seed, store, newCondition, normalization);
  }
}
