package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The through-plane consistency scores against values derived by hand. */
class ThroughPlaneTest {
  private static final int NX = 12;
  private static final int NY = 14;
  private static final int NZ = 16;

  private static float[] truth() {
    Random r = new Random(3);
    float[] t = new float[NX * NY * NZ];
    for (int i = 0; i < t.length; i++) {
      t[i] = 0.2f + 0.6f * r.nextFloat();
    }
    return t;
  }

  @Test
  void oneShiftedAxialSliceIsASeamInEveryReformat() {
    // every sagittal (NZ x NY) and coronal (NZ x NX) reformat has one row of NZ off by c:
    // MSE = c^2 / NZ, so PSNR = 10 log10(NZ / c^2) with data range 1 = 32.0412 dB for
    // NZ = 16, c = 0.1. The float sum t + c is off by at most 2^-24 (values below 1), so c is
    // exact to 6e-7 relative and PSNR to 1e-5 dB.
    float[] t = truth();
    float[] p = t.clone();
    int seam = 7;
    for (int i = seam * NX * NY; i < (seam + 1) * NX * NY; i++) {
      p[i] = t[i] + 0.1f;
    }
    Map<Metric, Double> v = ThroughPlane.evaluate(t, p, NX, NY, NZ, 0, NZ - 1, false, 1.0, null,
        0.05);
    double expected = 10 * Math.log10(NZ / 0.01);
    assertEquals(expected, v.get(Metric.SAGITTAL_PSNR), 1e-4, "sagittal PSNR");
    assertEquals(expected, v.get(Metric.CORONAL_PSNR), 1e-4, "coronal PSNR");
    assertTrue(v.get(Metric.SAGITTAL_SSIM) < 0.99 && v.get(Metric.CORONAL_SSIM) < 0.99,
        "the seam lowers SSIM: " + v);
    Map<Metric, Double> same = ThroughPlane.evaluate(t, t.clone(), NX, NY, NZ, 0, NZ - 1, false,
        1.0, null, 0.05);
    assertEquals(1.0, same.get(Metric.SAGITTAL_SSIM), 1e-12, "identical volumes");
    assertEquals(1.0, same.get(Metric.CORONAL_SSIM), 1e-12, "identical volumes");
  }

  @Test
  void onlyTheTranslatedRangeAndMaskedReformatsCount() {
    float[] t = truth();
    float[] p = t.clone();
    for (int i = 0; i < NX * NY; i++) {
      p[i] = 0; // slice 0, outside the range evaluated below
    }
    Map<Metric, Double> v = ThroughPlane.evaluate(t, p, NX, NY, NZ, 2, 14, false, 1.0, null,
        0.05);
    assertEquals(1.0, v.get(Metric.SAGITTAL_SSIM), 1e-12, "slice 0 is outside 2..14");
    Map<Metric, Double> thin = ThroughPlane.evaluate(t, p, NX, NY, NZ, 2, 8, false, 1.0, null,
        0.05);
    assertTrue(Double.isNaN(thin.get(Metric.CORONAL_PSNR)),
        "7 rows are fewer than the 11-pixel SSIM window: " + thin);
    Map<Metric, Double> empty = ThroughPlane.evaluate(t, p, NX, NY, NZ, 0, NZ - 1, false, 1.0,
        new boolean[NX * NY * NZ], 0.05);
    assertTrue(Double.isNaN(empty.get(Metric.SAGITTAL_SSIM)), "no reformat has foreground");
  }
}
