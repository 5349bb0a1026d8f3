package org.dfbk.train.metrics;

/** Input checks shared by the metrics. */
final class MetricChecks {
  private MetricChecks() {}

  static void requireFinite(float[] a, String what) {
    for (int i = 0; i < a.length; i++) {
      if (!Float.isFinite(a[i])) {
        throw new IllegalArgumentException(what + " has a non-finite value " + a[i]
            + " at flat index " + i + "; metrics need finite intensities");
      }
    }
  }

  static void requireFinite(double[] a, String what) {
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i])) {
        throw new IllegalArgumentException(what + " has a non-finite value " + a[i]
            + " at flat index " + i + "; metrics need finite intensities");
      }
    }
  }

  static void requireSameLength(float[] target, float[] prediction, boolean[] mask, String what) {
    if (target.length != prediction.length) {
      throw new IllegalArgumentException(what + ": target has " + target.length
          + " elements but prediction has " + prediction.length);
    }
    if (mask != null && mask.length != target.length) {
      throw new IllegalArgumentException(what + ": mask has " + mask.length
          + " elements but the images have " + target.length);
    }
    if (target.length == 0) {
      throw new IllegalArgumentException(what + ": images are empty");
    }
  }

  static void requireDataRange(double dataRange) {
    if (!(dataRange > 0) || Double.isInfinite(dataRange)) {
      throw new IllegalArgumentException("data_range must be a positive finite number, got "
          + dataRange + " (1.0 for images in [0, 1], 4024 for CT clipped to [-1024, 3000] HU)");
    }
  }
}
