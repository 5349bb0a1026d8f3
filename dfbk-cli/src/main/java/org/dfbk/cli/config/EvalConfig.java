package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Translation and evaluation settings.
 *
 * @param samples samples per slice (K &gt; 1 adds a standard-deviation map)
 * @param batch slices per network call
 * @param figuresPerSubject Fig. 3-style figures written per subject
 * @param seed sampler seed
 * @param split the subjects {@code dfbk eval --checkpoint} and the demo translate and evaluate:
 *     test (the paper's protocol, default) | val | train
 */
public record EvalConfig(
    @JsonProperty("samples") Integer samples,
    @JsonProperty("batch") Integer batch,
    @JsonProperty("figures_per_subject") Integer figuresPerSubject,
    @JsonProperty("seed") Long seed,
    @JsonProperty("split") SplitName split) {

  public EvalConfig {
    samples = Check.or(samples, 1);
    Check.that(samples > 0, "eval.samples", "must be > 0, got " + samples);
    batch = Check.or(batch, 8);
    Check.that(batch > 0, "eval.batch", "must be > 0, got " + batch);
    figuresPerSubject = Check.or(figuresPerSubject, 2);
    Check.that(figuresPerSubject >= 0, "eval.figures_per_subject",
        "must be >= 0, got " + figuresPerSubject);
    seed = Check.or(seed, 0L);
    split = Check.or(split, SplitName.TEST);
  }

  static EvalConfig defaults() {
    return new EvalConfig(null, null, null, null, null);
  }
}
