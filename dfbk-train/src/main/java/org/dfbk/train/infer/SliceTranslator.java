package org.dfbk.train.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.dfbk.core.math.Ops;
import org.dfbk.train.diffusion.Denoiser;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.diffusion.SampleStatistics;
import org.dfbk.train.knowledge.TextContext;
import org.dfbk.train.loop.TrainingModel;

/**
 * Runs the 4-step sampler over model-size source slices in batches: y_0 [N, C, S, S] in [-1, 1]
 * → x̂_0 [N, 1, S, S] (the mean of K samples) and, for K &gt; 1, the per-pixel standard
 * deviation. C = 1 for one source image; with several sources or neighbouring slices each input
 * holds the C images of its condition one after another
 * ({@link org.dfbk.data.transform.ConditionLayout}), the first being what x is shifted toward.
 *
 * <p>Slices are processed in order; the batch starting at slice i uses seed + i, so a run is
 * reproducible for a given seed and batch size.
 */
public final class SliceTranslator {
  private final TrainingModel model;
  private final ResShiftSampler sampler;
  private final TextContext text;
  private final int batch;
  private final int samples;
  private final boolean flip;

  /** Outputs per slice: the prediction and (K &gt; 1) its standard deviation, else null. */
  public record Output(List<float[]> mean, List<float[]> std) {}

  public SliceTranslator(TrainingModel model, ResShiftSampler sampler, TextContext text, int batch,
      int samples) {
    this(model, sampler, text, batch, samples, false);
  }

  /**
   * As above; with {@code flip} (test-time augmentation) each batch is also sampled mirrored
   * left-right (every channel), the result mirrored back, and the outputs are the mean (and, for
   * K &gt; 1, the population standard deviation) over the 2K samples. The mirrored pass uses the
   * same seed as the plain one, which makes the result exactly mirror-equivariant: translating a
   * mirrored slice gives the mirrored translation (the two passes swap roles; the sum is the
   * same).
   */
  public SliceTranslator(TrainingModel model, ResShiftSampler sampler, TextContext text, int batch,
      int samples, boolean flip) {
    if (batch < 1 || samples < 1) {
      throw new IllegalArgumentException(
          "batch and samples must be >= 1, got " + batch + ", " + samples);
    }
    this.model = model;
    this.sampler = sampler;
    this.text = text;
    this.batch = batch;
    this.samples = samples;
    this.flip = flip;
  }

  /**
   * Translates slices of side {@code size}.
   *
   * @param sources model-unit source slices, each C·size·size (C images, each row-major; the
   *     same C for all)
   * @param seed sampler seed
   * @param progress called with the number of slices done after each batch (may be null)
   */
  public Output translate(List<float[]> sources, int size, long seed, IntConsumer progress) {
    List<float[]> means = new ArrayList<>(sources.size());
    List<float[]> stds = samples > 1 ? new ArrayList<>(sources.size()) : null;
    int plane = size * size;
    int channels = sources.isEmpty() ? 1 : sources.get(0).length / plane;
    int input = channels * plane;
    for (int start = 0; start < sources.size(); start += batch) {
      int n = Math.min(batch, sources.size() - start);
      float[] y = new float[n * input];
      for (int i = 0; i < n; i++) {
        float[] s = sources.get(start + i);
        if (channels < 1 || s.length != input) {
          throw new IllegalArgumentException("slice " + (start + i) + " has " + s.length
              + " values, expected " + Math.max(1, channels) + "x" + size + "x" + size
              + " (the channels of the first slice)");
        }
        System.arraycopy(s, 0, y, i * input, input);
      }
      long batchSeed = seed + start;
      float[][] plain = pass(y, n, channels, size, batchSeed);
      if (flip) {
        float[][] mirrored = pass(mirror(y, size), n, channels, size, batchSeed);
        plain = pooled(plain, new float[][] {mirror(mirrored[0], size),
            mirrored[1] == null ? null : mirror(mirrored[1], size)});
      }
      split(plain[0], n, plane, means);
      if (stds != null) {
        split(plain[1], n, plane, stds);
      }
      if (progress != null) {
        progress.accept(start + n);
      }
    }
    return new Output(means, stds);
  }

  /** K samples of the n slices {@code y}: {mean, std (null for K = 1)}, each [n · S · S]. */
  private float[][] pass(float[] y, int n, int channels, int size, long batchSeed) {
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      NDArray y0 = Ops.engineOwned(m.create(y, new Shape(n, channels, size, size)));
      NDList ctx = text == null ? new NDList() : text.toNDList(m, n);
      Denoiser d = model.asDenoiser(m, ctx);
      if (samples == 1) {
        return new float[][] {sampler.sample(d, y0, 1, batchSeed).toFloatArray(), null};
      }
      SampleStatistics st = sampler.sampleMany(d, y0, 1, samples, batchSeed);
      return new float[][] {st.mean().toFloatArray(), st.std().toFloatArray()};
    }
  }

  /** Rows of side {@code size} reversed (left-right mirror of each S × S image). */
  static float[] mirror(float[] images, int size) {
    float[] out = new float[images.length];
    for (int row = 0; row < images.length / size; row++) {
      int base = row * size;
      for (int c = 0; c < size; c++) {
        out[base + c] = images[base + size - 1 - c];
      }
    }
    return out;
  }

  /**
   * Mean and population std over two equal groups of K samples from each group's mean m and
   * population std s: mean = (m_a + m_b) / 2, E[x²] = (s_a² + m_a² + s_b² + m_b²) / 2,
   * std = sqrt(max(0, E[x²] − mean²)); symmetric in a and b.
   */
  static float[][] pooled(float[][] a, float[][] b) {
    float[] mean = new float[a[0].length];
    float[] std = a[1] == null ? null : new float[mean.length];
    for (int i = 0; i < mean.length; i++) {
      double m = ((double) a[0][i] + b[0][i]) / 2;
      mean[i] = (float) m;
      if (std != null) {
        double sq = ((double) a[1][i] * a[1][i] + (double) a[0][i] * a[0][i]
            + (double) b[1][i] * b[1][i] + (double) b[0][i] * b[0][i]) / 2;
        std[i] = (float) Math.sqrt(Math.max(0, sq - m * m));
      }
    }
    return new float[][] {mean, std};
  }

  private static void split(float[] all, int n, int plane, List<float[]> out) {
    for (int i = 0; i < n; i++) {
      float[] p = new float[plane];
      System.arraycopy(all, i * plane, p, 0, plane);
      out.add(p);
    }
  }
}
