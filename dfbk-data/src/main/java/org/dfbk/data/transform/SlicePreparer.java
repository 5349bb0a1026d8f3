package org.dfbk.data.transform;

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

  /**
   * Several sources and slice context ({@link ConditionLayout}): every source volume must be on
   * the target's grid; each is normalised with its own fit; slices are selected on the first
   * source and the target as above, and each {@link PreparedSlice#source()} holds the
   * {@code layout.channels()} model images of y_0, channel after channel (C · S · S floats),
   * neighbours beyond the volume repeating its edge slice. One source with context 0 gives
   * exactly the slices of the single-source overload.
   *
   * @param sourceFiles the file of each source, in {@code layout.sources()} order
   * @param sources the volumes, in the same order
   */
  public static List<PreparedSlice> prepare(String subject, List<Path> sourceFiles,
      List<Volume> sources, ModalityKind sourceKind, Path targetFile, Volume target,
      ModalityKind targetKind, SliceOptions options, ConditionLayout layout) {
    return prepare(subject, sourceFiles, sources, sourceKind, targetFile, target, targetKind, "",
        options, layout, NormalizationMethod.PERCENTILE);
  }

  /**
   * As above with {@code method}: slices are selected on the percentile normalisation, and
   * each source (named by {@code layout.sources()}) and the target ({@code targetModality}) are
   * mapped with the method's fit.
   */
  public static List<PreparedSlice> prepare(String subject, List<Path> sourceFiles,
      List<Volume> sources, ModalityKind sourceKind, Path targetFile, Volume target,
      ModalityKind targetKind, String targetModality, SliceOptions options,
      ConditionLayout layout, NormalizationMethod method) {
    int n = layout.sources().size();
    if (sourceFiles.size() != n || sources.size() != n) {
      throw new IllegalArgumentException("layout " + layout.sources() + " needs " + n
          + " source files and volumes, got " + sourceFiles.size() + " and " + sources.size());
    }
    VolumeChecks.requireUsable(target, targetFile);
    Normalization[] norms = new Normalization[n];
    for (int i = 0; i < n; i++) {
      VolumeChecks.requireUsable(sources.get(i), sourceFiles.get(i));
      VolumeChecks.requireSameGrid(sourceFiles.get(i), sources.get(i), targetFile, target);
      norms[i] = method.fit(sourceKind, sources.get(i), sourceFiles.get(i),
          layout.sources().get(i));
    }
    Volume first = sources.get(0);
    Normalization tn = method.fit(targetKind, target, targetFile, targetModality);
    int[] indices = SliceSelector.select(subject, first,
        Normalization.fit(sourceKind, first, sourceFiles.get(0)), target,
        Normalization.fit(targetKind, target, targetFile), options);
    int axis = options.axis();
    int count = first.shape()[axis];
    int[] hw = Slicing.sliceShape(first.shape(), axis);
    int plane = options.imageSize() * options.imageSize();
    List<PreparedSlice> out = new ArrayList<>(indices.length);
    for (int idx : indices) {
      SliceTransform t = SliceTransform.of(axis, idx, hw[0], hw[1], options.square(),
          options.imageSize(), norms[0], tn);
      float[] condition = new float[layout.channels() * plane];
      for (int c = 0; c < layout.channels(); c++) {
        int s = layout.source(c);
        float[] slice = Slicing.extract(sources.get(s), axis, layout.sliceIndex(c, idx, count));
        System.arraycopy(t.toModel(slice, norms[s]), 0, condition, c * plane, plane);
      }
      out.add(new PreparedSlice(subject, t, condition,
          t.toModel(Slicing.extract(target, axis, idx), tn)));
    }
    return out;
  }
}
