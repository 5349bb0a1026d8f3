package org.dfbk.data.prep;

import java.nio.file.Path;
import java.util.Arrays;
import org.dfbk.data.volume.Volume;

/**
 * Slice-by-slice translation of one whole volume: every slice along the axis becomes a model input
 * (the source normalised with its own volume's statistics, squared and resized as in training),
 * and each prediction is mapped back ({@link SliceTransform#toSource}) into a target-unit volume on
 * the source grid (same shape and affine).
 *
 * <p>The target normalisation must be given: for CT it is the fixed window
 * ({@code Normalization.fit(CT, …)}); for an MR target the true 99.5th percentile of an unseen
 * subject is unknown, so use a reference such as {@link SliceCache#referenceTargetNormalization()}
 * (the median over the training subjects), and say so where the output is reported.
 *
 * <p>Usage: {@code plan(...)}, then for k in 0..sliceCount−1 predict from {@link #modelInput(int)}
 * and pass the result to {@link #accept(int, float[])}; finally {@link #result()}.
 */
public final class VolumeTranslation {
  private final Volume source;
  private final Normalization sourceNorm;
  private final SliceTransform[] transforms;
  private final float[] output;
  private final boolean[] done;

  private VolumeTranslation(Volume source, Normalization sourceNorm, SliceTransform[] transforms) {
    this.source = source;
    this.sourceNorm = sourceNorm;
    this.transforms = transforms;
    this.output = new float[source.data().length];
    this.done = new boolean[transforms.length];
  }

  /**
   * Plans the translation of every slice of {@code source} along {@code axis}.
   *
   * @throws org.dfbk.core.error.DataException when the volume is 2-D, has NaN/Inf voxels, or is
   *     empty (naming {@code sourceFile})
   */
  public static VolumeTranslation plan(Path sourceFile, Volume source, ModalityKind sourceKind,
      Normalization targetNorm, int axis, int imageSize, SquareMode square) {
    VolumeChecks.requireUsable(source, sourceFile);
    Normalization sn = Normalization.fit(sourceKind, source, sourceFile);
    int n = source.shape()[axis];
    int[] hw = Slicing.sliceShape(source.shape(), axis);
    SliceTransform[] t = new SliceTransform[n];
    for (int k = 0; k < n; k++) {
      t[k] = SliceTransform.of(axis, k, hw[0], hw[1], square, imageSize, sn, targetNorm);
    }
    return new VolumeTranslation(source, sn, t);
  }

  /** Number of slices (the volume's size along the axis). */
  public int sliceCount() {
    return transforms.length;
  }

  /** Transform of slice {@code k}. */
  public SliceTransform transform(int k) {
    return transforms[k];
  }

  /** Normalisation fitted on the source volume. */
  public Normalization sourceNormalization() {
    return sourceNorm;
  }

  /** Model input y_0 of slice {@code k}: S × S row-major, model units. */
  public float[] modelInput(int k) {
    SliceTransform t = transforms[k];
    return t.toModel(Slicing.extract(source, t.axis(), k), sourceNorm);
  }

  /** Stores the prediction (S × S, model units) of slice {@code k}, mapped to target units. */
  public void accept(int k, float[] prediction) {
    SliceTransform t = transforms[k];
    Volume out = source.withData(output);
    // withData shares the array: insert writes straight into output
    Slicing.insert(out, t.axis(), k, t.targetToSource(prediction));
    done[k] = true;
  }

  /**
   * The translated volume in target units on the source grid.
   *
   * @throws IllegalStateException listing the slices that have no prediction yet
   */
  public Volume result() {
    int[] missing = java.util.stream.IntStream.range(0, done.length).filter(k -> !done[k])
        .toArray();
    if (missing.length > 0) {
      throw new IllegalStateException(missing.length + " slice(s) have no prediction yet, e.g. "
          + Arrays.toString(Arrays.copyOf(missing, Math.min(10, missing.length))));
    }
    return source.withData(output.clone());
  }
}
