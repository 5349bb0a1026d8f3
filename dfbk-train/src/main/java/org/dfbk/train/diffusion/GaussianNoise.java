package org.dfbk.train.diffusion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.dfbk.core.math.Ops;

/**
 * Standard normal noise drawn on the host from a {@link SplittableRandom}, so a seed gives the same
 * numbers on every engine, device and thread count, and a resumed run can re-derive them from
 * (seed, step) alone.
 */
public final class GaussianNoise {
  private GaussianNoise() {}

  /** A float32 array of the given shape, filled with N(0, 1) draws from {@code rng}, on device. */
  public static NDArray normal(NDManager manager, SplittableRandom rng, Shape shape,
      Device device) {
    long size = shape.size();
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("noise of shape " + shape + " has " + size
          + " elements, more than one host array can hold (" + Integer.MAX_VALUE + ")");
    }
    float[] values = new float[(int) size];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rng.nextGaussian();
    }
    NDArray host = Ops.engineOwned(manager.create(values, shape));
    return device.equals(host.getDevice()) ? host : host.toDevice(device, false);
  }

  /**
   * Mixes a base seed and a stream index into an independent 64-bit seed (the SplitMix64
   * finaliser applied to both), for per-step or per-sample generators.
   */
  public static long deriveSeed(long seed, long stream) {
    return mix64(mix64(seed) ^ mix64(stream + 0x9E3779B97F4A7C15L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
