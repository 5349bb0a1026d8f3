package org.dfbk.data.transform;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dfbk.data.volume.Volume;

/**
 * The tiling of one whole volume into model-size boxes and its reassembly: every slice along the
 * axis is covered by one or more square boxes, each a model input (the source normalised with its
 * own volume's statistics, squared and resized as in training), and the predictions for the boxes
 * are mapped back ({@link SliceTransform#toSource}, overlaps blended) into a target-unit volume on
 * the source grid (same shape and affine). It runs no model: the caller predicts each box
 * (inference does so in {@code org.dfbk.train.infer.VolumeTranslator}).
 *
 * <p>The target normalisation must be given: for CT it is the fixed window
 * ({@code Normalization.fit(CT, …)}); for an MR target the true 99.5th percentile of an unseen
 * subject is unknown, so use a reference such as
 * {@link org.dfbk.data.cache.CacheStatistics#referenceTargetNormalization()}
 * (the median over the training subjects), and say so where the output is reported.
 *
 * <p>Usage: {@code plan(...)}, then for k in 0..sliceCount−1 predict from
 * {@link #modelInputs(int)} and pass the results to {@link #accept(int, List)}; finally
 * {@link #result()}.
 */
public final class VolumeTiling {
  private final Volume source;
  private final Normalization sourceNorm;
  private final SliceTransform[][] tiles;
  private final float[] output;
  private final boolean[] done;

  private VolumeTiling(Volume source, Normalization sourceNorm, SliceTransform[][] tiles) {
    this.source = source;
    this.sourceNorm = sourceNorm;
    this.tiles = tiles;
    this.output = new float[source.data().length];
    this.done = new boolean[tiles.length];
  }

  /**
   * Plans the translation of every slice of {@code source} along {@code axis}. With
   * {@link SquareMode#CROP} each slice is covered, at the training scale, by square crops of its
   * short side placed over the range of its long side that holds foreground
   * ({@link SliceTransform#coveringCrops}: one crop centred on the anatomy when it fits, else
   * overlapping crops whose predictions are blended); what lies outside that range is background
   * in the source and is written as the target's background. With {@link SquareMode#PAD} each
   * slice is one padded square.
   *
   * @throws org.dfbk.core.error.DataException when the volume is 2-D, has NaN/Inf voxels, or is
   *     empty (naming {@code sourceFile})
   */
  public static VolumeTiling plan(Path sourceFile, Volume source, ModalityKind sourceKind,
      Normalization targetNorm, int axis, int imageSize, SquareMode square) {
    VolumeChecks.requireUsable(source, sourceFile);
    Normalization sn = Normalization.fit(sourceKind, source, sourceFile);
    return plan(sourceFile, source, sn, sn, targetNorm, axis, imageSize, square);
  }

  /**
   * As above with the source normalised by {@code sourceNorm} (a {@link NormalizationMethod}'s),
   * while the crops are placed on the foreground of {@code foregroundNorm} (the percentile
   * normalisation, as in training, so that every method places them alike).
   */
  public static VolumeTiling plan(Path sourceFile, Volume source, Normalization sourceNorm,
      Normalization foregroundNorm, Normalization targetNorm, int axis, int imageSize,
      SquareMode square) {
    VolumeChecks.requireUsable(source, sourceFile);
    Normalization sn = sourceNorm;
    int n = source.shape()[axis];
    int[] hw = Slicing.sliceShape(source.shape(), axis);
    SliceTransform[][] t = new SliceTransform[n][];
    for (int k = 0; k < n; k++) {
      if (square == SquareMode.CROP) {
        int[] range = foregroundRange(Slicing.extract(source, axis, k), hw[0], hw[1],
            foregroundNorm);
        t[k] = SliceTransform.coveringCrops(axis, k, hw[0], hw[1], imageSize, sn, targetNorm,
            range[0], range[1]);
      } else {
        t[k] = new SliceTransform[] {SliceTransform.of(axis, k, hw[0], hw[1], square, imageSize,
            sn, targetNorm)};
      }
    }
    return new VolumeTiling(source, sn, t);
  }

  /**
   * The pixels [from, to) along the long side of an H × W slice that hold foreground (above the
   * source's foreground threshold, as for slice selection), widened by a margin of
   * max(2, min(H, W)/32) pixels; {0, 0} when there is none.
   */
  static int[] foregroundRange(float[] slice, int h, int w, Normalization norm) {
    double t = norm.foregroundThreshold();
    boolean rows = h >= w;
    int along = Math.max(h, w);
    int lo = along;
    int hi = -1;
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        if (slice[r * w + c] > t) {
          int p = rows ? r : c;
          lo = Math.min(lo, p);
          hi = Math.max(hi, p);
        }
      }
    }
    if (hi < 0) {
      return new int[] {0, 0};
    }
    int margin = Math.max(2, Math.min(h, w) / 32);
    return new int[] {Math.max(0, lo - margin), Math.min(along, hi + 1 + margin)};
  }

  /** Number of slices (the volume's size along the axis). */
  public int sliceCount() {
    return tiles.length;
  }

  /** The square boxes of slice {@code k} (one, or several covering crops). */
  public List<SliceTransform> transforms(int k) {
    return List.of(tiles[k]);
  }

  /** Normalisation fitted on the source volume. */
  public Normalization sourceNormalization() {
    return sourceNorm;
  }

  /** Model inputs y_0 of slice {@code k}, one per box: S × S row-major, model units. */
  public List<float[]> modelInputs(int k) {
    float[] slice = Slicing.extract(source, tiles[k][0].axis(), k);
    List<float[]> out = new ArrayList<>(tiles[k].length);
    for (SliceTransform t : tiles[k]) {
      out.add(t.toModel(slice, sourceNorm));
    }
    return out;
  }

  /**
   * Stores the predictions of slice {@code k} (one S × S model-unit image per box, in the order
   * of {@link #modelInputs}), mapped to target units and blended where boxes overlap.
   */
  public void accept(int k, List<float[]> predictions) {
    Volume out = source.withData(output);
    // withData shares the array: insert writes straight into output
    Slicing.insert(out, tiles[k][0].axis(), k, toSource(k, predictions, tiles[k][0].target()));
    done[k] = true;
  }

  /**
   * Model-unit images of slice {@code k}'s boxes mapped back to one H × W slice with
   * {@code norm}: each box by {@link SliceTransform#toSource}, overlaps blended with
   * {@link SliceTransform#weight}.
   */
  public float[] toSource(int k, List<float[]> models, Normalization norm) {
    SliceTransform[] ts = tiles[k];
    if (models.size() != ts.length) {
      throw new IllegalArgumentException("slice " + k + " has " + ts.length + " box(es), got "
          + models.size() + " image(s)");
    }
    if (ts.length == 1) {
      return ts[0].toSource(models.get(0), norm);
    }
    int h = ts[0].sourceHeight();
    int w = ts[0].sourceWidth();
    double[] sum = new double[h * w];
    double[] weights = new double[h * w];
    for (int i = 0; i < ts.length; i++) {
      float[] mapped = ts[i].toSource(models.get(i), norm);
      for (int r = 0; r < h; r++) {
        for (int c = 0; c < w; c++) {
          double wt = ts[i].weight(r, c);
          if (wt > 0) {
            sum[r * w + c] += wt * mapped[r * w + c];
            weights[r * w + c] += wt;
          }
        }
      }
    }
    float[] out = new float[h * w];
    float background = norm.inverse(-1f);
    for (int p = 0; p < out.length; p++) {
      out[p] = weights[p] > 0 ? (float) (sum[p] / weights[p]) : background;
    }
    return out;
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
