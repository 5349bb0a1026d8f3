package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * MS-SSIM, GMSD and the Haar band errors against the independent numpy/scipy/PyWavelets
 * implementations of scripts/reference/make_structure_goldens.py.
 */
class StructureGoldenTest {
  /**
   * Both sides compute in double precision on integer-valued images: the Java side filters
   * separably with reflect padding and crops, the Python side convolves directly in 'valid' mode
   * (and PyWavelets transforms), so sums run in other orders. Each value is a ratio or mean of
   * sums of at most about 10^5 products of magnitude below 255^2; their rounding is near 1e-16
   * relative, and MS-SSIM's and GMSD's divisions by C2 = 58.5 or T = 170 keep the values'
   * errors below 1e-12; 1e-10 leaves two orders of margin.
   */
  private static final double ATOL = 1e-10;

  /**
   * The images of make_structure_goldens.py's pattern(): integer arithmetic only, so exact on
   * both sides.
   */
  static float[][] pattern(int[] shape, long seed) {
    int nx = shape[shape.length - 1];
    int ny = shape[shape.length - 2];
    int nz = shape.length == 3 ? shape[0] : 1;
    float[] truth = new float[nx * ny * nz];
    float[] pred = new float[truth.length];
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          long flat = x + (long) nx * (y + (long) ny * z);
          long h1 = ((flat * 2654435761L + seed * 40503L) % (1L << 32)) >> 24;
          long h2 = ((flat * 2246822519L + seed * 3266489917L) % (1L << 32)) >> 24;
          long t = ((long) x * x + 2L * y * y + 3L * z * z) / 50 % 4 * 50
              + (x / 8 + y / 8 + z / 8) % 2 * 30 + h1 % 16;
          long p = Math.min(255, Math.max(0, t + h2 % 41 - 20 + (2 * x > nx ? 10 : 0)));
          truth[(int) flat] = t;
          pred[(int) flat] = p;
        }
      }
    }
    return new float[][] {truth, pred};
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float v : a) {
      s += v;
    }
    return s;
  }

  @Test
  void structureMetricsMatchIndependentPythonImplementations() {
    JsonObject golden = Golden.resource(getClass(), "/golden/structure-metrics.json");
    for (JsonElement ce : golden.getAsJsonArray("cases")) {
      JsonObject c = ce.getAsJsonObject();
      String name = c.get("name").getAsString();
      JsonArray sa = c.getAsJsonArray("shape");
      int[] shape = new int[sa.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = sa.get(i).getAsInt();
      }
      float[][] tp = pattern(shape, c.get("seed").getAsLong());
      // the generator agrees with the script's (exact: integer sums below 2^53)
      assertEquals(c.get("truth_sum").getAsDouble(), sum(tp[0]), 0, name + " truth sum");
      assertEquals(c.get("pred_sum").getAsDouble(), sum(tp[1]), 0, name + " prediction sum");
      Grid g = MetricGoldenTest.grid(sa);
      double range = c.get("data_range").getAsDouble();
      MsSsim.Value ms = MsSsim.compute(tp[0], tp[1], g, range);
      assertEquals(c.get("ms_ssim_scales").getAsInt(), ms.scales(), name + " MS-SSIM scales");
      Tolerance.assertClose(c.get("ms_ssim").getAsDouble(), ms.msSsim(), ATOL, name + " MS-SSIM");
      Map<Metric, Double> v = g.is3d() ? StructureMetrics.ofVolume(tp[0], tp[1], g, range)
          : StructureMetrics.ofSlice(tp[0], tp[1], g, range);
      Tolerance.assertClose(c.get("gmsd").getAsDouble(), v.get(Metric.GMSD), ATOL, name + " GMSD");
      JsonObject bands = c.getAsJsonObject("band_errors");
      String[] keys = {"ll", "lh", "hl", "hh"};
      for (int b = 0; b < 4; b++) {
        Tolerance.assertClose(bands.get(keys[b]).getAsDouble(),
            v.get(BandError.BANDS.get(b)), ATOL, name + " band " + keys[b]);
      }
      Tolerance.assertClose(ms.msSsim(), v.get(Metric.MS_SSIM), 0, name + " MS-SSIM in the map");
    }
  }
}
