package org.dfbk.train.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.dfbk.core.math.Haar;

/**
 * Frequency-band error: the relative L2 error of a prediction in each sub-band of the
 * single-level orthonormal 2-D Haar transform ({@link Haar#dwt(double[], int, int)}, the
 * transform of the model's DFB blocks, equal to PyWavelets {@code dwt2(x, 'haar',
 * mode='periodization')}):
 *
 * <pre>
 *   e_B = ‖B(prediction) − B(target)‖₂ / ‖B(target)‖₂,   B ∈ {LL, LH, HL, HH}
 * </pre>
 *
 * LL is the low-pass content (a quarter-resolution image), LH horizontal edges, HL vertical
 * edges, HH diagonal detail: a prediction that is right in LL but blurred shows large LH/HL/HH
 * errors. 2-D slices only; an odd width or height repeats the last column or row first (what
 * PyWavelets' periodization does for odd lengths). A band whose target norm is 0 has no relative
 * error: NaN. For a volume the sums run over all its axial slices (the error of the stacked
 * bands), see {@link Accumulator}.
 */
public final class BandError {
  /** The four band metrics in the order LL, LH, HL, HH. */
  public static final List<Metric> BANDS =
      List.of(Metric.BAND_LL, Metric.BAND_LH, Metric.BAND_HL, Metric.BAND_HH);

  private BandError() {}

  /** The four relative band errors of one 2-D slice. */
  public static Map<Metric, Double> slice(float[] target, float[] prediction, Grid grid) {
    Accumulator a = new Accumulator();
    a.add(target, prediction, grid);
    return a.values();
  }

  /** Sums of squared band errors and squared target bands over slices. Not thread-safe. */
  public static final class Accumulator {
    private final double[] error = new double[4];
    private final double[] reference = new double[4];

    /** Adds one 2-D slice. */
    public void add(float[] target, float[] prediction, Grid grid) {
      if (grid.is3d()) {
        throw new IllegalArgumentException("band errors are per 2-D slice, got " + grid);
      }
      grid.requireLength(target.length, "band-error target");
      grid.requireLength(prediction.length, "band-error prediction");
      int w = grid.nx() + grid.nx() % 2;
      int h = grid.ny() + grid.ny() % 2;
      double[] t = new double[w * h];
      double[] d = new double[w * h];
      for (int row = 0; row < h; row++) {
        int src = Math.min(row, grid.ny() - 1) * grid.nx();
        for (int col = 0; col < w; col++) {
          int s = src + Math.min(col, grid.nx() - 1);
          t[row * w + col] = target[s];
          d[row * w + col] = (double) prediction[s] - target[s];
        }
      }
      // The transform is linear: B(prediction) − B(target) = B(prediction − target).
      double[][] bt = Haar.dwt(t, h, w);
      double[][] bd = Haar.dwt(d, h, w);
      for (int b = 0; b < 4; b++) {
        for (int i = 0; i < bt[b].length; i++) {
          reference[b] += bt[b][i] * bt[b][i];
          error[b] += bd[b][i] * bd[b][i];
        }
      }
    }

    /** e_B for the four bands (NaN where the target band is zero). */
    public Map<Metric, Double> values() {
      Map<Metric, Double> out = new EnumMap<>(Metric.class);
      for (int b = 0; b < 4; b++) {
        out.put(BANDS.get(b), reference[b] == 0 ? Double.NaN
            : Math.sqrt(error[b] / reference[b]));
      }
      return out;
    }
  }
}
