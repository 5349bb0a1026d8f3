package org.dfbk.data.prep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.data.volume.Volume;

/**
 * Turns one subject's paired source and target volumes into model-size slice pairs: checks both
 * volumes ({@link VolumeChecks}), fits each normalisation ({@link NormalizationMethod#fit}),
 * selects slices ({@link SliceSelector}, on the percentile normalisation whatever the method, so
 * that every method gives the same slices) and maps each through its {@link SliceTransform}.
 */
public final class SlicePreparer {
  private SlicePreparer() {}

  public static List<PreparedSlice> prepare(String subject, Path sourceFile, Volume source,
      ModalityKind sourceKind, Path targetFile, Volume target, ModalityKind targetKind,
      SliceOptions options) {
    return prepare(subject, sourceFile, source, sourceKind, "", targetFile, target, targetKind, "",
        options, NormalizationMethod.PERCENTILE);
  }

  /**
   * As above with {@code method}; the modality names decide the white-matter peak of
   * {@link NormalizationMethod#TISSUE}.
   */
  public static List<PreparedSlice> prepare(String subject, Path sourceFile, Volume source,
      ModalityKind sourceKind, String sourceModality, Path targetFile, Volume target,
      ModalityKind targetKind, String targetModality, SliceOptions options,
      NormalizationMethod method) {
    VolumeChecks.requireUsable(source, sourceFile);
    VolumeChecks.requireUsable(target, targetFile);
    VolumeChecks.requireSameGrid(sourceFile, source, targetFile, target);
    int[] indices = SliceSelector.select(subject, source,
        Normalization.fit(sourceKind, source, sourceFile), target,
        Normalization.fit(targetKind, target, targetFile), options);
    Normalization sn = method.fit(sourceKind, source, sourceFile, sourceModality);
    Normalization tn = method.fit(targetKind, target, targetFile, targetModality);
    int[] hw = Slicing.sliceShape(source.shape(), options.axis());
    List<PreparedSlice> out = new ArrayList<>(indices.length);
    for (int idx : indices) {
      SliceTransform t = SliceTransform.of(options.axis(), idx, hw[0], hw[1], options.square(),
          options.imageSize(), sn, tn);
      out.add(new PreparedSlice(subject, t,
          t.toModel(Slicing.extract(source, options.axis(), idx), sn),
          t.toModel(Slicing.extract(target, options.axis(), idx), tn)));
    }
    return out;
  }
}
