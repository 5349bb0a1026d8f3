package org.dfbk.data.volume;

/** Voxel-space filters on {@link Volume}s. */
public final class VolumeFilters {
  private VolumeFilters() {}

  /**
   * Separable Gaussian smoothing with standard deviation {@code sigmaVoxels} (in voxels, equal on
   * all three axes), kernel truncated at 3σ and renormalised, borders replicated. σ = 0 returns a
   * copy.
   */
  public static Volume gaussian(Volume v, double sigmaVoxels) {
    if (!(sigmaVoxels >= 0) || Double.isInfinite(sigmaVoxels)) {
      throw new IllegalArgumentException(
          "sigma must be finite and >= 0 voxels, got " + sigmaVoxels);
    }
    float[] data = v.data().clone();
    if (sigmaVoxels == 0) {
      return v.withData(data);
    }
    int radius = (int) Math.ceil(3 * sigmaVoxels);
    double[] k = new double[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = Math.exp(-0.5 * i * i / (sigmaVoxels * sigmaVoxels));
      sum += k[i + radius];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    int[] n = v.shape();
    int[] stride = {1, n[0], n[0] * n[1]};
    float[] tmp = new float[data.length];
    for (int axis = 0; axis < 3; axis++) {
      if (n[axis] == 1) {
        continue;
      }
      int len = n[axis];
      int st = stride[axis];
      double[] line = new double[len];
      for (int base = 0; base < data.length; base++) {
        // one line per start voxel whose coordinate along this axis is 0
        if ((base / st) % len != 0) {
          continue;
        }
        for (int i = 0; i < len; i++) {
          line[i] = data[base + i * st];
        }
        for (int i = 0; i < len; i++) {
          double acc = 0;
          for (int o = -radius; o <= radius; o++) {
            int j = Math.min(len - 1, Math.max(0, i + o));
            acc += k[o + radius] * line[j];
          }
          tmp[base + i * st] = (float) acc;
        }
      }
      float[] swap = data;
      data = tmp;
      tmp = swap;
    }
    return v.withData(data);
  }
}
