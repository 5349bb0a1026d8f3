package org.dfbk.data.transform;

import java.nio.file.Path;
import java.util.Arrays;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;

/**
 * Linear intensity normalisation of one volume to the model range [−1, 1], and its inverse.
 *
 * <p>n = 2 · (clamp(v, low, high) − low) / (high − low) − 1 and
 * v = (n + 1) / 2 · (high − low) + low.
 *
 * <ul>
 *   <li>MR: low = 0, high = the 99.5th percentile of the volume's foreground (voxels &gt; 0), so
 *       the value is clipped at 0, divided by the percentile, clipped to [0, 1] and mapped to
 *       [−1, 1]; the inverse multiplies by the percentile. Values above the percentile saturate.
 *   <li>CT: low = −1024 HU, high = 3000 HU (fixed).
 * </ul>
 *
 * Percentile: linear interpolation between order statistics, position q/100 · (m − 1) in the
 * sorted foreground values (numpy's default method).
 *
 * @param kind MR or CT
 * @param low source value mapped to −1
 * @param high source value mapped to +1
 */
public record Normalization(ModalityKind kind, double low, double high) {
  /** CT window, Hounsfield units. */
  public static final double CT_LOW = -1024;

  public static final double CT_HIGH = 3000;

  /** Percentile of the MR foreground mapped to 1. */
  public static final double MR_PERCENTILE = 99.5;

  /** MR voxels above this fraction of the percentile count as foreground for slice selection. */
  public static final double MR_FOREGROUND_FRACTION = 0.05;

  /** CT voxels above this value (HU) count as foreground (body) for slice selection. */
  public static final double CT_FOREGROUND_HU = -500;

  public Normalization {
    if (!(high > low) || !Double.isFinite(low) || !Double.isFinite(high)) {
      throw new IllegalArgumentException("normalisation needs finite low < high, got low " + low
          + " high " + high);
    }
  }

  /** Fits the normalisation of {@code v} (read from {@code file}, named in errors). */
  public static Normalization fit(ModalityKind kind, Volume v, Path file) {
    if (kind == ModalityKind.CT) {
      return new Normalization(kind, CT_LOW, CT_HIGH);
    }
    float[] d = v.data();
    int m = 0;
    for (float f : d) {
      if (f > 0) {
        m++;
      }
    }
    if (m == 0) {
      throw new DataException(file + " has no voxel > 0, so it has no MR foreground to normalise"
          + " (" + v.nx() + "x" + v.ny() + "x" + v.nz() + "). Fix: check the file is the right"
          + " image and not empty, or declare the modality as CT");
    }
    float[] fg = new float[m];
    int k = 0;
    for (float f : d) {
      if (f > 0) {
        fg[k++] = f;
      }
    }
    return new Normalization(kind, 0, percentile(fg, MR_PERCENTILE));
  }

  /** q-th percentile (0..100) with linear interpolation; sorts {@code values} in place. */
  public static double percentile(float[] values, double q) {
    if (values.length == 0) {
      throw new IllegalArgumentException("percentile of an empty array");
    }
    Arrays.sort(values);
    double pos = q / 100.0 * (values.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(values.length - 1, lo + 1);
    double f = pos - lo;
    return values[lo] + (values[hi] - (double) values[lo]) * f;
  }

  /**
   * Median of {@code values} (the mean of the two middle ones for an even count), NaN when there
   * are none; {@code values} is not changed.
   */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Source value to model units [−1, 1]. */
  public float forward(float v) {
    double c = Math.min(high, Math.max(low, v));
    return (float) (2 * (c - low) / (high - low) - 1);
  }

  /** Model units to source value (no clamping of n). */
  public float inverse(float n) {
    return (float) ((n + 1.0) / 2.0 * (high - low) + low);
  }

  /** Source-unit threshold above which a voxel is foreground (for slice selection). */
  public double foregroundThreshold() {
    return kind == ModalityKind.CT ? CT_FOREGROUND_HU : MR_FOREGROUND_FRACTION * high;
  }
}
