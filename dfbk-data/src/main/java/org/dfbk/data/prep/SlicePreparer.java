package org.dfbk.data.prep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.data.volume.Volume;

/**
 * Turns one subject's paired source and target volumes into model-size slice pairs: checks both
 * volumes ({@link VolumeChecks}), fits each normalisation ({@link Normalization#fit}), selects
 * slices ({@link SliceSelector}) and maps each through its {@link SliceTransform}.
 */
public final class SlicePreparer {
  private SlicePreparer() {}

  public static List<PreparedSlice> prepare(String subject, Path sourceFile, Volume source,
      ModalityKind sourceKind, Path targetFile, Volume target, ModalityKind targetKind,
      SliceOptions options) {
    VolumeChecks.requireUsable(source, sourceFile);
    VolumeChecks.requireUsable(target, targetFile);
    VolumeChecks.requireSameGrid(sourceFile, source, targetFile, target);
    Normalization sn = Normalization.fit(sourceKind, source, sourceFile);
    Normalization tn = Normalization.fit(targetKind, target, targetFile);
    int[] indices = SliceSelector.select(subject, source, sn, target, tn, options);
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
