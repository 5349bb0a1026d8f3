package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dfbk.train.loop.Precision;

/**
 * Optimisation settings (paper §4: AdamW, lr 5e-5 cosine to 2e-5, 100k iterations).
 *
 * @param batchSize global batch (split across devices)
 * @param lr peak learning rate
 * @param lrMin final learning rate of the cosine decay
 * @param warmupSteps linear warm-up steps
 * @param maxSteps total optimisation steps
 * @param weightDecay AdamW decoupled weight decay
 * @param emaRate EMA decay of the weights
 * @param gradClip global L2 norm clip (0 = off)
 * @param precision fp32 | fp16 (GPU only)
 * @param seed seed of t, noise, shuffling and initialisation
 * @param logEvery steps between log lines
 * @param valEvery steps between validations (0 = only at the end)
 * @param checkpointEvery steps between numbered checkpoints (0 = none: only {@code last.zip},
 *     which training always writes at the end)
 * @param valSlices validation slices evaluated each time (0 = all)
 */
public record TrainConfig(
    @JsonProperty("batch_size") Integer batchSize,
    @JsonProperty("lr") Double lr,
    @JsonProperty("lr_min") Double lrMin,
    @JsonProperty("warmup_steps") Integer warmupSteps,
    @JsonProperty("max_steps") Integer maxSteps,
    @JsonProperty("weight_decay") Double weightDecay,
    @JsonProperty("ema_rate") Double emaRate,
    @JsonProperty("grad_clip") Double gradClip,
    @JsonProperty("precision") Precision precision,
    @JsonProperty("seed") Long seed,
    @JsonProperty("log_every") Integer logEvery,
    @JsonProperty("val_every") Integer valEvery,
    @JsonProperty("checkpoint_every") Integer checkpointEvery,
    @JsonProperty("val_slices") Integer valSlices) {

  public TrainConfig {
    batchSize = Check.or(batchSize, 4);
    Check.that(batchSize > 0, "train.batch_size", "must be > 0, got " + batchSize);
    lr = Check.or(lr, 5e-5);
    Check.that(lr > 0 && Double.isFinite(lr), "train.lr", "must be a finite number > 0, got " + lr);
    lrMin = Check.or(lrMin, 2e-5);
    Check.that(lrMin >= 0 && lrMin <= lr, "train.lr_min",
        "must be in [0, lr=" + lr + "], got " + lrMin);
    warmupSteps = Check.or(warmupSteps, 0);
    Check.that(warmupSteps >= 0, "train.warmup_steps", "must be >= 0, got " + warmupSteps);
    maxSteps = Check.or(maxSteps, 100_000);
    Check.that(maxSteps > 0, "train.max_steps", "must be > 0, got " + maxSteps);
    weightDecay = Check.or(weightDecay, 0.0);
    Check.that(weightDecay >= 0 && Double.isFinite(weightDecay), "train.weight_decay",
        "must be a finite number >= 0, got " + weightDecay);
    emaRate = Check.or(emaRate, 0.999);
    Check.that(emaRate >= 0 && emaRate < 1, "train.ema_rate", "must be in [0, 1), got " + emaRate);
    gradClip = Check.or(gradClip, 1.0);
    Check.that(gradClip >= 0, "train.grad_clip", "must be >= 0 (0 = off), got " + gradClip);
    precision = Check.or(precision, Precision.FP32);
    Check.that(precision != Precision.BF16, "train.precision",
        "bf16: bfloat16 crashes the DJL 0.29 PyTorch engine; use fp16 (GPU) or fp32");
    seed = Check.or(seed, 0L);
    logEvery = Check.or(logEvery, 50);
    Check.that(logEvery > 0, "train.log_every", "must be > 0, got " + logEvery);
    valEvery = Check.or(valEvery, 5000);
    Check.that(valEvery >= 0, "train.val_every", "must be >= 0, got " + valEvery);
    checkpointEvery = Check.or(checkpointEvery, 5000);
    Check.that(checkpointEvery >= 0, "train.checkpoint_every",
        "must be >= 0 (0 = only last.zip at the end), got " + checkpointEvery);
    valSlices = Check.or(valSlices, 64);
    Check.that(valSlices >= 0, "train.val_slices", "must be >= 0, got " + valSlices);
  }

  /** The same settings with another {@code seed} ({@code dfbk train --seed}). */
  public TrainConfig withSeed(long newSeed) {
    return new TrainConfig(batchSize, lr, lrMin, warmupSteps, maxSteps, weightDecay, emaRate,
        gradClip, precision, newSeed, logEvery, valEvery, checkpointEvery, valSlices);
  }

  static TrainConfig defaults() {
    return new TrainConfig(null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }
}
