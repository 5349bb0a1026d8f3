package org.dfbk.train.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.dfbk.core.math.Ops;

/**
 * The ResShift reverse process (paper Eq. 3), T network calls per image:
 *
 * <pre>
 *   x_T     = y_0 + κ √η_T ε                                            (1)
 *   x̂_0     = clamp(f(x_t / (3κ√η_t + 1), y_0, t), −1, 1)               (2)
 *   x_{t−1} = (η_{t−1}/η_t) x_t + (α_t/η_t) x̂_0 + √(κ² (η_{t−1}/η_t) α_t) ε   (3)
 * </pre>
 *
 * with no noise at the last step (t = 1, where the coefficients are 0 and 1, so the result is
 * x̂_0 itself). The noise comes from a host generator seeded per call (see {@link GaussianNoise}),
 * so a seed reproduces a sample exactly on any device. Images are [N, C, H, W] in [−1, 1].
 *
 * <p>A condition with more channels than the image (several sources, or neighbouring slices):
 * x has the image's C channels and is shifted toward the first C channels of y_0 (in (1) and
 * in training's forward process), while the denoiser sees all of y_0.
 */
public final class ResShiftSampler {
  private final ResShiftSchedule schedule;

  public ResShiftSampler(ResShiftSchedule schedule) {
    this.schedule = schedule;
  }

  public ResShiftSchedule schedule() {
    return schedule;
  }

  /**
   * Draws one sample per source image.
   *
   * @param denoiser the x_0 predictor
   * @param y0 source images, [N, C, H, W]
   * @param seed the seed of the noise
   * @return x̂_0 after T steps, [N, C, H, W], float32, in the manager of {@code y0}
   */
  public NDArray sample(Denoiser denoiser, NDArray y0, long seed) {
    return sample(denoiser, y0, (int) y0.getShape().get(1), seed);
  }

  /**
   * Draws one sample of {@code imageChannels} channels per condition (see the class note).
   *
   * @param y0 conditions, [N, C_y, H, W] with C_y ≥ {@code imageChannels}
   * @return x̂_0 after T steps, [N, imageChannels, H, W], float32, in the manager of {@code y0}
   */
  public NDArray sample(Denoiser denoiser, NDArray y0, int imageChannels, long seed) {
    checkChannels(y0, imageChannels);
    NDManager outer = y0.getManager();
    try (NDManager sub = outer.newSubManager(y0.getDevice())) {
      NDArray result = run(denoiser, y0, imageChannels, new SplittableRandom(seed), sub);
      result.attach(outer);
      return result;
    }
  }

  /**
   * Draws {@code k} samples per source image (sample j uses the seed derived from (seed, j)) and
   * returns their per-pixel mean and population standard deviation.
   */
  public SampleStatistics sampleMany(Denoiser denoiser, NDArray y0, int k, long seed) {
    return sampleMany(denoiser, y0, (int) y0.getShape().get(1), k, seed);
  }

  /** {@link #sampleMany(Denoiser, NDArray, int, long)} of {@code imageChannels}-channel images. */
  public SampleStatistics sampleMany(Denoiser denoiser, NDArray y0, int imageChannels, int k,
      long seed) {
    checkChannels(y0, imageChannels);
    if (k < 1) {
      throw new IllegalArgumentException("samples must be >= 1, found " + k);
    }
    NDManager outer = y0.getManager();
    try (NDManager sub = outer.newSubManager(y0.getDevice())) {
      Shape image = imageShape(y0.getShape(), imageChannels);
      NDArray sum = sub.zeros(image, DataType.FLOAT32, y0.getDevice());
      NDArray sumSq = sub.zeros(image, DataType.FLOAT32, y0.getDevice());
      for (int j = 0; j < k; j++) {
        try (NDManager perSample = sub.newSubManager(y0.getDevice())) {
          NDArray x = run(denoiser, y0, imageChannels,
              new SplittableRandom(GaussianNoise.deriveSeed(seed, j)), perSample);
          sum.addi(x);
          sumSq.addi(x.square());
        }
      }
      NDArray mean = sum.div(k);
      NDArray variance = sumSq.div(k).sub(mean.square()).maximum(0f);
      NDArray std = variance.sqrt();
      mean.attach(outer);
      std.attach(outer);
      return new SampleStatistics(mean, std, k);
    }
  }

  private static void checkChannels(NDArray y0, int imageChannels) {
    Shape s = y0.getShape();
    if (s.dimension() != 4 || imageChannels < 1 || imageChannels > s.get(1)) {
      throw new IllegalArgumentException("y0 must be [N, C_y, H, W] with C_y >= the image's "
          + imageChannels + " channel(s), found " + s);
    }
  }

  private static Shape imageShape(Shape y0, int imageChannels) {
    return new Shape(y0.get(0), imageChannels, y0.get(2), y0.get(3));
  }

  private NDArray run(Denoiser denoiser, NDArray y0, int imageChannels, SplittableRandom rng,
      NDManager m) {
    int n = schedule.numSteps();
    double[] sqrtEtas = schedule.sqrtEtas();
    double[] coef1 = schedule.posteriorMeanCoef1();
    double[] coef2 = schedule.posteriorMeanCoef2();
    double[] variance = schedule.posteriorVariance();
    double[] inputScales = schedule.inputScales();
    // every coefficient in one host-to-device copy; DJL would copy each Number operand separately
    float[] table = new float[4 * n + 1];
    for (int i = 0; i < n; i++) {
      table[4 * i] = (float) inputScales[i];
      table[4 * i + 1] = (float) coef1[i];
      table[4 * i + 2] = (float) coef2[i];
      table[4 * i + 3] = (float) Math.sqrt(variance[i]);
    }
    table[4 * n] = (float) (schedule.kappa() * sqrtEtas[n - 1]);
    NDArray coefficients = Ops.engineOwned(m.create(table));
    if (!coefficients.getDevice().equals(y0.getDevice())) {
      coefficients = coefficients.toDevice(y0.getDevice(), false);
    }
    Shape shape = imageShape(y0.getShape(), imageChannels);
    long batch = shape.get(0);
    NDArray source = y0.toType(DataType.FLOAT32, true);
    source.attach(m);
    // the image x is shifted toward: y_0 itself, or its first imageChannels channels
    NDArray anchor = imageChannels == y0.getShape().get(1) ? source
        : source.get(new ai.djl.ndarray.index.NDIndex(":, 0:{}", imageChannels));
    // (1) x_T = y_0 + κ √η_T ε
    NDArray x = anchor.add(GaussianNoise.normal(m, rng, shape, y0.getDevice())
        .mul(coefficients.get(4 * n)));
    for (int i = n - 1; i >= 0; i--) {
      NDArray t = m.full(new Shape(batch), i, DataType.INT64, y0.getDevice());
      // (2) x̂_0 from the scaled x_t, clamped to the data range
      NDArray prediction = denoiser.predictX0(x.mul(coefficients.get(4 * i)), source, t);
      prediction.attach(m);
      NDArray x0Hat = prediction.toType(DataType.FLOAT32, false).clip(-1f, 1f);
      // (3) posterior mean, plus posterior noise except at the last step
      NDArray next = x.mul(coefficients.get(4 * i + 1)).add(x0Hat.mul(coefficients.get(4 * i + 2)));
      if (i > 0) {
        next = next.add(GaussianNoise.normal(m, rng, shape, y0.getDevice())
            .mul(coefficients.get(4 * i + 3)));
      }
      x = next;
    }
    return x;
  }
}
