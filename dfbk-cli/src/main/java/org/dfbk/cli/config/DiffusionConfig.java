package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.dfbk.train.loss.DiffusionLoss;

/**
 * ResShift schedule (DESIGN.md "ResShift schedule").
 *
 * @param steps T, number of diffusion steps
 * @param kappa noise variance parameter κ
 * @param power schedule power p
 * @param minNoiseLevel min_noise_level
 * @param etasEnd η_T
 * @param loss weighted (paper Eq. 4) | mse
 */
public record DiffusionConfig(
    @JsonProperty("steps") Integer steps,
    @JsonProperty("kappa") Double kappa,
    @JsonProperty("power") Double power,
    @JsonProperty("min_noise_level") Double minNoiseLevel,
    @JsonProperty("etas_end") Double etasEnd,
    @JsonProperty("loss") DiffusionLoss loss) {

  public DiffusionConfig {
    steps = Check.or(steps, 4);
    Check.that(steps >= 2, "diffusion.steps", "must be >= 2, got " + steps);
    kappa = Check.or(kappa, 2.0);
    Check.that(kappa > 0, "diffusion.kappa", "must be > 0, got " + kappa);
    power = Check.or(power, 0.3);
    Check.that(power > 0, "diffusion.power", "must be > 0, got " + power);
    minNoiseLevel = Check.or(minNoiseLevel, 0.2);
    Check.that(minNoiseLevel > 0, "diffusion.min_noise_level", "must be > 0, got " + minNoiseLevel);
    etasEnd = Check.or(etasEnd, 0.99);
    Check.that(etasEnd > 0 && etasEnd < 1, "diffusion.etas_end",
        "must be in (0, 1), got " + etasEnd);
    loss = Check.or(loss, DiffusionLoss.WEIGHTED);
  }

  static DiffusionConfig defaults() {
    return new DiffusionConfig(null, null, null, null, null, null);
  }
}
