package org.dfbk.train.loop;

import ai.djl.ndarray.NDList;

/**
 * A step's random draws for the whole batch.
 *
 * @param arrays the drawn arrays (e.g. timesteps and noise), first axis the batch
 * @param perSample per-sample values uploaded with the step's {@link StepConstants}, rows × B
 *     row-major
 */
public record StepDraws(NDList arrays, float[] perSample) {}
