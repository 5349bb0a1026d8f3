package org.dfbk.train.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.math.Ops;

/**
 * The ResShift noise schedule and forward process (paper §3, Eq. 1–4), with every table computed
 * once in double precision under the paper's names.
 *
 * <p>Timesteps are indexed {@code i = 0..T-1}; index {@code i} is the paper's {@code t = i + 1}, so
 * {@code etas()[0]} is η_1. With {@code start = min(minNoiseLevel/κ, minNoiseLevel)} and
 * {@code b = (etasEnd/start)^(1/(T-1))}:
 *
 * <pre>
 *   √η_t   = start · b^(((i/(T-1))^p)·(T-1))           (exponential schedule in √η units)
 *   α_t    = η_t − η_{t−1},  η_0 = 0                     (so α_1 = η_1)
 *   σ²_t   = κ² (η_{t−1}/η_t) α_t                 (variance of q(x_{t−1}|x_t,x_0))
 *   μ_t    = (η_{t−1}/η_t) x_t + (α_t/η_t) x_0            (posterior mean, Eq. 3)
 *   w_t    = (α_t/η_t)² / (2 σ̃²_t)                        (Eq. 4 loss weight)
 * </pre>
 *
 * For {@code t ≥ 2} the weight simplifies to {@code α_t / (2κ² η_t η_{t−1})}. At {@code t = 1}
 * the posterior variance is 0 (η_0 = 0), so the weight would be infinite; like ResShift's
 * {@code posterior_variance_clipped}, {@code σ̃²_1} is replaced by the posterior variance of
 * {@code t = 2} while {@code (α_1/η_1)² = 1}, giving {@code w_1 = 1/(2 σ²_2)}. For the default
 * schedule (T = 4, p = 0.3, κ = 2, min_noise_level = 0.2, etas_end = 0.99) the weights are 12.9798,
 * 12.0379, 0.246479, 0.0880898.
 *
 * <p>The network sees {@code x_t / (3κ√η_t + 1)}: ResShift's {@code normalize_input} for pixel
 * space (its {@code _scale_input} without a latent code), which keeps the input roughly inside
 * [−1, 1] since |x_t| ≤ 1 + 3κ√η_t for all but 0.3% of the noise. ResShift's {@code scale_factor}
 * multiplies latent codes of an autoencoder and does not apply in pixel space.
 */
public final class ResShiftSchedule {
  private final int numSteps;
  private final double power;
  private final double kappa;
  private final double minNoiseLevel;
  private final double etasEnd;

  private final double[] sqrtEtas;
  private final double[] etas;
  private final double[] etasPrev;
  private final double[] alphas;
  private final double[] posteriorVariance;
  private final double[] posteriorVarianceClipped;
  private final double[] posteriorMeanCoef1;
  private final double[] posteriorMeanCoef2;
  private final double[] lossWeights;
  private final double[] inputScales;

  /**
   * @param numSteps T, at least 2
   * @param power p of the exponential schedule, {@code > 0}
   * @param kappa κ, the noise strength, {@code > 0}
   * @param minNoiseLevel the smallest noise level, in (0, etasEnd)
   * @param etasEnd √η_T, in (0, 1)
   * @throws ConfigException naming the offending setting ({@code ResShiftSchedule.<name>})
   *     and value
   */
  public ResShiftSchedule(int numSteps, double power, double kappa, double minNoiseLevel,
      double etasEnd) {
    if (numSteps < 2) {
      throw new ConfigException("ResShiftSchedule.numSteps must be >= 2, found " + numSteps);
    }
    if (!(power > 0) || !Double.isFinite(power)) {
      throw new ConfigException(
          "ResShiftSchedule.power must be a finite number > 0, found " + power);
    }
    if (!(kappa > 0) || !Double.isFinite(kappa)) {
      throw new ConfigException(
          "ResShiftSchedule.kappa must be a finite number > 0, found " + kappa);
    }
    if (!(etasEnd > 0 && etasEnd < 1)) {
      throw new ConfigException("ResShiftSchedule.etasEnd must lie in (0, 1), found " + etasEnd);
    }
    if (!(minNoiseLevel > 0 && Math.min(minNoiseLevel / kappa, minNoiseLevel) < etasEnd)) {
      throw new ConfigException("ResShiftSchedule.minNoiseLevel must be > 0 and min("
          + "minNoiseLevel / kappa, minNoiseLevel) < etasEnd; found ResShiftSchedule.minNoiseLevel "
          + minNoiseLevel + ", ResShiftSchedule.kappa " + kappa + ", ResShiftSchedule.etasEnd "
          + etasEnd);
    }
    this.numSteps = numSteps;
    this.power = power;
    this.kappa = kappa;
    this.minNoiseLevel = minNoiseLevel;
    this.etasEnd = etasEnd;

    int n = numSteps;
    double start = Math.min(minNoiseLevel / kappa, minNoiseLevel);
    double increaser = Math.exp(Math.log(etasEnd / start) / (n - 1));
    sqrtEtas = new double[n];
    etas = new double[n];
    etasPrev = new double[n];
    alphas = new double[n];
    posteriorVariance = new double[n];
    posteriorVarianceClipped = new double[n];
    posteriorMeanCoef1 = new double[n];
    posteriorMeanCoef2 = new double[n];
    lossWeights = new double[n];
    inputScales = new double[n];
    for (int i = 0; i < n; i++) {
      double exponent = Math.pow((double) i / (n - 1), power) * (n - 1);
      sqrtEtas[i] = start * Math.pow(increaser, exponent);
      etas[i] = sqrtEtas[i] * sqrtEtas[i];
    }
    for (int i = 0; i < n; i++) {
      etasPrev[i] = i == 0 ? 0.0 : etas[i - 1];
      alphas[i] = etas[i] - etasPrev[i];
      posteriorVariance[i] = kappa * kappa * etasPrev[i] / etas[i] * alphas[i];
      posteriorMeanCoef1[i] = etasPrev[i] / etas[i];
      posteriorMeanCoef2[i] = alphas[i] / etas[i];
      inputScales[i] = 1.0 / (3.0 * kappa * sqrtEtas[i] + 1.0);
    }
    for (int i = 0; i < n; i++) {
      posteriorVarianceClipped[i] = i == 0 ? posteriorVariance[1] : posteriorVariance[i];
      double r = alphas[i] / etas[i];
      lossWeights[i] = 0.5 / posteriorVarianceClipped[i] * r * r;
    }
  }

  /** The paper's defaults: T = 4, p = 0.3, κ = 2.0, min_noise_level = 0.2, etas_end = 0.99. */
  public static ResShiftSchedule paperDefault() {
    return new ResShiftSchedule(4, 0.3, 2.0, 0.2, 0.99);
  }

  /** T, the number of diffusion steps (network calls per sample). */
  public int numSteps() {
    return numSteps;
  }

  public double power() {
    return power;
  }

  public double kappa() {
    return kappa;
  }

  public double minNoiseLevel() {
    return minNoiseLevel;
  }

  public double etasEnd() {
    return etasEnd;
  }

  /** √η_t for t = 1..T (index 0..T−1). */
  public double[] sqrtEtas() {
    return sqrtEtas.clone();
  }

  /** η_t for t = 1..T. */
  public double[] etas() {
    return etas.clone();
  }

  /** η_{t−1} for t = 1..T (η_0 = 0). */
  public double[] etasPrev() {
    return etasPrev.clone();
  }

  /** α_t = η_t − η_{t−1} for t = 1..T. */
  public double[] alphas() {
    return alphas.clone();
  }

  /** κ² (η_{t−1}/η_t) α_t, the variance of q(x_{t−1} | x_t, x_0); 0 at t = 1. */
  public double[] posteriorVariance() {
    return posteriorVariance.clone();
  }

  /** The posterior variance with the t = 1 entry replaced by that of t = 2 (ResShift's). */
  public double[] posteriorVarianceClipped() {
    return posteriorVarianceClipped.clone();
  }

  /** η_{t−1}/η_t, the coefficient of x_t in the posterior mean (Eq. 3). */
  public double[] posteriorMeanCoef1() {
    return posteriorMeanCoef1.clone();
  }

  /** α_t/η_t, the coefficient of x_0 in the posterior mean (Eq. 3). */
  public double[] posteriorMeanCoef2() {
    return posteriorMeanCoef2.clone();
  }

  /** The Eq. 4 weights w_t of the x_0 regression loss (see the class comment for t = 1). */
  public double[] lossWeights() {
    return lossWeights.clone();
  }

  /** κ√η_t, the standard deviation of the forward-process noise. */
  public double[] kappaSqrtEtas() {
    return scaled(sqrtEtas, kappa);
  }

  /** 1 / (3κ√η_t + 1), the factor applied to x_t before it enters the network. */
  public double[] inputScales() {
    return inputScales.clone();
  }

  /**
   * Samples the forward process (Eq. 1): {@code x_t = x_0 + η_t (y_0 − x_0) + κ √η_t ε}.
   *
   * @param x0 target image, [N, C, H, W]
   * @param y0 source image, same shape
   * @param t timestep indices 0..T−1, [N] (any integer type)
   * @param noise ε ~ N(0, I), same shape as x0
   * @return x_t, [N, C, H, W], in the manager of {@code x0}
   */
  public NDArray qSample(NDArray x0, NDArray y0, NDArray t, NDArray noise) {
    requireSameShape("x0", x0, "y0", y0);
    requireSameShape("x0", x0, "noise", noise);
    NDManager manager = x0.getManager();
    NDArray eta = perSample(manager, etas, t, x0);
    NDArray noiseStd = perSample(manager, kappaSqrtEtas(), t, x0);
    return forward(x0, y0, noise, eta, noiseStd);
  }

  /**
   * Eq. 1 with the per-sample coefficients already gathered (the trainer computes them on the
   * host and uploads them once per step): {@code x_t = x_0 + η (y_0 − x_0) + s ε}.
   *
   * @param x0 [N, C, H, W]
   * @param y0 [N, C, H, W]
   * @param noise ε, [N, C, H, W]
   * @param eta η_t per sample, [N, 1, 1, 1]
   * @param noiseStd κ√η_t per sample, [N, 1, 1, 1]
   * @return x_t, [N, C, H, W]
   */
  public static NDArray forward(NDArray x0, NDArray y0, NDArray noise, NDArray eta,
      NDArray noiseStd) {
    requireSameShape("x0", x0, "y0", y0);
    requireSameShape("x0", x0, "noise", noise);
    return x0.add(y0.sub(x0).mul(eta)).add(noise.mul(noiseStd));
  }

  /**
   * The network input {@code x_t / (3κ√η_t + 1)}.
   *
   * @param xt [N, C, H, W]
   * @param t timestep indices 0..T−1, [N]
   * @return [N, C, H, W]
   */
  public NDArray scaleInput(NDArray xt, NDArray t) {
    return xt.mul(perSample(xt.getManager(), inputScales, t, xt));
  }

  /**
   * Gathers {@code table[t[n]]} for every sample as a float32 [N, 1, 1, 1] (as many ones as
   * {@code like} has axes beyond the first) on the device of {@code like}; no host round trip.
   */
  public NDArray perSample(NDManager manager, double[] table, NDArray t, NDArray like) {
    if (t.getShape().dimension() != 1 || t.getShape().get(0) != like.getShape().get(0)) {
      throw new IllegalArgumentException("t must have shape [N] with N = " + like.getShape().get(0)
          + " (the batch of " + like.getShape() + "), found " + t.getShape());
    }
    if (table.length != numSteps) {
      throw new IllegalArgumentException("table has " + table.length + " entries, expected T = "
          + numSteps);
    }
    float[] f = new float[table.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) table[i];
    }
    NDArray tableArray = Ops.engineOwned(manager.create(f)).toDevice(like.getDevice(), false);
    NDArray index = t.getDataType() == DataType.INT64 ? t : t.toType(DataType.INT64, false);
    NDArray gathered = tableArray.gather(index.toDevice(like.getDevice(), false), 0);
    long[] dims = new long[like.getShape().dimension()];
    Arrays.fill(dims, 1);
    dims[0] = like.getShape().get(0);
    return gathered.reshape(new Shape(dims)).toType(like.getDataType(), false);
  }

  private static double[] scaled(double[] a, double factor) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] * factor;
    }
    return r;
  }

  private static void requireSameShape(String na, NDArray a, String nb, NDArray b) {
    if (!a.getShape().equals(b.getShape())) {
      throw new IllegalArgumentException(na + " and " + nb
          + " must have the same shape [N, C, H, W]; found " + na + " " + a.getShape() + ", "
          + nb + " " + b.getShape());
    }
  }

  @Override
  public String toString() {
    return "ResShiftSchedule[T=" + numSteps + ", p=" + power + ", kappa=" + kappa
        + ", minNoiseLevel=" + minNoiseLevel + ", etasEnd=" + etasEnd + "]";
  }
}
