package org.dfbk.train.loop;

import org.dfbk.core.error.ConfigException;
import org.dfbk.train.loss.DiffusionLoss;

/**
 * Settings of a training run; the compact constructor validates every field and names it in its
 * error as {@code TrainerConfig.<setting>} ({@code TrainerConfig.learningRate}); a front end that
 * reads the settings from its own keys translates those names (the CLI to YAML key paths).
 *
 * @param maxSteps total optimizer steps ({@code max_steps}, paper: 100 000)
 * @param batchSize B, the global batch of one optimizer step ({@code batch_size}), split over the
 *     replicas and accumulation micro-batches
 * @param accumulationSteps micro-batches per replica and step (no YAML key, 1; ≥ 1);
 *     B must be divisible by replicas × accumulationSteps
 * @param learningRate peak learning rate ({@code lr}, paper 5e-5)
 * @param learningRateMin final learning rate of the cosine decay ({@code lr_min}, paper 2e-5)
 * @param warmupSteps linear warm-up steps from lr/warmup to lr ({@code warmup_steps}, 0 = none)
 * @param beta1 AdamW β1 (no YAML key, 0.9)
 * @param beta2 AdamW β2 (no YAML key, 0.999)
 * @param epsilon AdamW ε (no YAML key, 1e-8)
 * @param weightDecay decoupled weight decay λ ({@code weight_decay}; the paper gives none: 0)
 * @param emaRate EMA decay per step ({@code ema_rate}, 0.999)
 * @param gradClipNorm maximum global L2 norm of the gradients ({@code grad_clip}, ≤ 0 = off)
 * @param loss the x_0 loss ({@code diffusion.loss}: weighted (Eq. 4) or mse)
 * @param precision fp32 or fp16 ({@code precision}; fp16 on GPU only, bf16 refused)
 * @param seed seed of the timesteps and the forward-process noise ({@code seed})
 * @param logEvery steps between log lines and metric rows ({@code log_every}); the only host sync
 *     of the loss
 * @param validateEvery steps between validations with the EMA weights ({@code val_every}; 0 =
 *     once, after the last step; without a validation callback, never)
 * @param checkpointEvery steps between numbered checkpoints ({@code checkpoint_every}, 0 = only
 *     {@code last} at the end)
 * @param initialLossScale the starting fp16 loss scale (no YAML key, 65536)
 */
public record TrainerConfig(
    long maxSteps,
    int batchSize,
    int accumulationSteps,
    double learningRate,
    double learningRateMin,
    long warmupSteps,
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    double emaRate,
    double gradClipNorm,
    DiffusionLoss loss,
    Precision precision,
    long seed,
    int logEvery,
    int validateEvery,
    int checkpointEvery,
    double initialLossScale) {

  public TrainerConfig {
    require(maxSteps >= 1, "TrainerConfig.maxSteps", "an integer >= 1", maxSteps);
    require(batchSize >= 1, "TrainerConfig.batchSize", "an integer >= 1", batchSize);
    require(accumulationSteps >= 1, "TrainerConfig.accumulationSteps", "an integer >= 1",
        accumulationSteps);
    require(learningRate > 0 && Double.isFinite(learningRate), "TrainerConfig.learningRate",
        "a number > 0", learningRate);
    require(learningRateMin >= 0 && learningRateMin <= learningRate,
        "TrainerConfig.learningRateMin",
        "a number in [0, TrainerConfig.learningRate = " + learningRate + "]", learningRateMin);
    require(warmupSteps >= 0 && warmupSteps < maxSteps, "TrainerConfig.warmupSteps",
        "an integer in [0, TrainerConfig.maxSteps = " + maxSteps + ")", warmupSteps);
    require(beta1 >= 0 && beta1 < 1, "TrainerConfig.betas: beta1", "a number in [0, 1)", beta1);
    require(beta2 >= 0 && beta2 < 1, "TrainerConfig.betas: beta2", "a number in [0, 1)", beta2);
    require(epsilon > 0, "TrainerConfig.epsilon", "a number > 0", epsilon);
    require(weightDecay >= 0 && Double.isFinite(weightDecay), "TrainerConfig.weightDecay",
        "a number >= 0", weightDecay);
    require(emaRate >= 0 && emaRate < 1, "TrainerConfig.emaRate", "a number in [0, 1)", emaRate);
    require(!Double.isNaN(gradClipNorm), "TrainerConfig.gradClipNorm",
        "a number (<= 0 turns it off)", gradClipNorm);
    require(loss != null, "TrainerConfig.loss", "weighted or mse", "null");
    require(precision != null, "TrainerConfig.precision", "fp32 or fp16", "null");
    if (precision == Precision.BF16) {
      throw new ConfigException("TrainerConfig.precision: bf16 is not supported: bfloat16 kernels"
          + " crash the PyTorch engine of DJL 0.29 (the JVM dies). Use fp16 on a GPU, or fp32.");
    }
    require(logEvery >= 1, "TrainerConfig.logEvery", "an integer >= 1", logEvery);
    require(validateEvery >= 0, "TrainerConfig.validateEvery",
        "an integer >= 0 (0 = once at the end)", validateEvery);
    require(checkpointEvery >= 0, "TrainerConfig.checkpointEvery", "an integer >= 0 (0 = end only)",
        checkpointEvery);
    require(initialLossScale >= 1 && Double.isFinite(initialLossScale),
        "TrainerConfig.initialLossScale", "a number >= 1", initialLossScale);
  }

  private static void require(boolean ok, String key, String expected, Object found) {
    if (!ok) {
      throw new ConfigException(key + " must be " + expected + ", found " + found);
    }
  }

  /** A builder holding the paper's settings (lr 5e-5 → 2e-5 cosine, EMA 0.999, weighted loss). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings, to change a few. */
  public Builder toBuilder() {
    return builder().maxSteps(maxSteps).batchSize(batchSize).accumulationSteps(accumulationSteps)
        .learningRate(learningRate).learningRateMin(learningRateMin).warmupSteps(warmupSteps)
        .betas(beta1, beta2).epsilon(epsilon).weightDecay(weightDecay).emaRate(emaRate)
        .gradClipNorm(gradClipNorm).loss(loss).precision(precision).seed(seed)
        .logEvery(logEvery).validateEvery(validateEvery).checkpointEvery(checkpointEvery)
        .initialLossScale(initialLossScale);
  }

  /** Mutable builder with defaults; {@link #build()} validates. */
  public static final class Builder {
    private long maxSteps = 100_000;
    private int batchSize = 4;
    private int accumulationSteps = 1;
    private double learningRate = 5e-5;
    private double learningRateMin = 2e-5;
    private long warmupSteps = 0;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay = 0;
    private double emaRate = 0.999;
    private double gradClipNorm = 1.0;
    private DiffusionLoss loss = DiffusionLoss.WEIGHTED;
    private Precision precision = Precision.FP32;
    private long seed = 0;
    private int logEvery = 100;
    private int validateEvery = 0;
    private int checkpointEvery = 0;
    private double initialLossScale = 65536;

    private Builder() {}

    public Builder maxSteps(long v) {
      maxSteps = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder accumulationSteps(int v) {
      accumulationSteps = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder learningRateMin(double v) {
      learningRateMin = v;
      return this;
    }

    public Builder warmupSteps(long v) {
      warmupSteps = v;
      return this;
    }

    public Builder betas(double b1, double b2) {
      beta1 = b1;
      beta2 = b2;
      return this;
    }

    public Builder epsilon(double v) {
      epsilon = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    public Builder emaRate(double v) {
      emaRate = v;
      return this;
    }

    public Builder gradClipNorm(double v) {
      gradClipNorm = v;
      return this;
    }

    public Builder loss(DiffusionLoss v) {
      loss = v;
      return this;
    }

    public Builder precision(Precision v) {
      precision = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder logEvery(int v) {
      logEvery = v;
      return this;
    }

    public Builder validateEvery(int v) {
      validateEvery = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder initialLossScale(double v) {
      initialLossScale = v;
      return this;
    }

    public TrainerConfig build() {
      return new TrainerConfig(maxSteps, batchSize, accumulationSteps, learningRate,
          learningRateMin, warmupSteps, beta1, beta2, epsilon, weightDecay, emaRate, gradClipNorm,
          loss, precision, seed, logEvery, validateEvery, checkpointEvery, initialLossScale);
    }
  }
}
