package org.dfbk.train.run;

import ai.djl.ndarray.NDArray;
import org.dfbk.core.math.Ops;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
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
 * ({@link org.dfbk.data.prep.ConditionLayout}), the first being what x is shifted toward.
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

  /** Outputs per slice: the prediction and (K &gt; 1) its standard deviation, else null. */
  public record Output(List<float[]> mean, List<float[]> std) {}

  public SliceTranslator(TrainingModel model, ResShiftSampler sampler, TextContext text, int batch,
      int samples) {
    if (batch < 1 || samples < 1) {
      throw new IllegalArgumentException("batch and samples must be >= 1, got " + batch + ", " + samples);
    }
    this.model = model;
    this.sampler = sampler;
    this.text = text;
    this.batch = batch;
    this.samples = samples;
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
      try (NDManager m = NDManager.newBaseManager(model.device())) {
        NDArray y0 = Ops.engineOwned(m.create(y, new Shape(n, channels, size, size)));
        NDList ctx = text == null ? new NDList() : text.toNDList(m, n);
        Denoiser d = model.asDenoiser(m, ctx);
        long batchSeed = seed + start;
        if (samples == 1) {
          split(sampler.sample(d, y0, 1, batchSeed).toFloatArray(), n, plane, means);
        } else {
          SampleStatistics st = sampler.sampleMany(d, y0, 1, samples, batchSeed);
          split(st.mean().toFloatArray(), n, plane, means);
          split(st.std().toFloatArray(), n, plane, stds);
        }
      }
      if (progress != null) {
        progress.accept(start + n);
      }
    }
    return new Output(means, stds);
  }

  private static void split(float[] all, int n, int plane, List<float[]> out) {
    for (int i = 0; i < n; i++) {
      float[] p = new float[plane];
      System.arraycopy(all, i * plane, p, 0, plane);
      out.add(p);
    }
  }
}
