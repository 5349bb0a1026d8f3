package org.dfbk.train.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * The per-pixel mean and standard deviation of K independent samples of the ResShift sampler
 * (the std is the population std over K, an uncertainty map; 0 for K = 1).
 *
 * @param mean [N, C, H, W]
 * @param std [N, C, H, W]
 * @param samples K
 */
public record SampleStatistics(NDArray mean, NDArray std, int samples) {}
