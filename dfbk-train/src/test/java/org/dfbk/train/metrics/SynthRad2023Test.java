package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * The SynthRAD 2023 metrics against scripts/reference/make_synthrad2023_golden.py, which restates
 * the challenge's functions with scikit-image 0.19.3 on a generated CT pair with a body mask.
 */
class SynthRad2023Test {
  private static final JsonObject GOLDEN =
      Golden.resource(SynthRad2023Test.class, "/golden/synthrad2023.json");

  private static float[] f(String key) {
    return Golden.flattenFloat(GOLDEN.get(key));
  }

  private static SynthRad2023.Scores scores() {
    return SynthRad2023.evaluate(f("gt"), f("pred"), MetricGoldenTest.mask(GOLDEN.get("mask")),
        MetricGoldenTest.grid(GOLDEN.getAsJsonArray("shape")));
  }

  @Test
  void challengeMetricsMatchTheReferenceToOneMillionth() {
    // Both sides in double precision on the same float values (multiples of 1/16 HU). The MAE
    // and PSNR are sums of 2208 terms below 5e3 and 2e7; the SSIM moments of values below 4024
    // lose at most ~1e-9 to cancellation against C2 = 14573: all far inside 1e-6, the agreement
    // the protocol promises, which is what is asserted.
    JsonObject e = GOLDEN.getAsJsonObject("expected");
    SynthRad2023.Scores s = scores();
    Tolerance.assertClose(e.get("mae").getAsDouble(), s.mae(), 1e-6, "SynthRAD MAE (HU)");
    Tolerance.assertClose(e.get("psnr").getAsDouble(), s.psnr(), 1e-6, "SynthRAD PSNR (dB)");
    Tolerance.assertClose(e.get("ssim").getAsDouble(), s.ssim(), 1e-6, "SynthRAD SSIM");
  }

  @Test
  void maeIsUnclippedAndTheCaseTestsIt() {
    assertTrue(GOLDEN.get("beyond_clip_range").getAsInt() > 0,
        "the golden pair has mask voxels beyond [-1024, 3000]");
    double clipped = GOLDEN.get("clipped_mae").getAsDouble();
    double mae = scores().mae();
    assertTrue(Math.abs(mae - clipped) > 1, "unclipped MAE " + mae + " differs from the clipped "
        + clipped + " by more than 1 HU");
  }

  @Test
  void float32LoaderPathDiffersOnlyAtRoundingLevel() {
    // The challenge's score_patient casts to float32. Its MAE is computed in float64 either way
    // (same value). Its PSNR forms differences and squares in float32: each relative error is
    // at most 2u (u = 2^-24), so the MSE's is at most 2u and the PSNR's at most
    // 10 / ln(10) * 2u = 5.2e-7 dB.
    JsonObject f32 = GOLDEN.getAsJsonObject("float32_path");
    SynthRad2023.Scores s = scores();
    Tolerance.assertClose(f32.get("mae").getAsDouble(), s.mae(), 1e-9, "MAE, float32 path");
    Tolerance.assertClose(f32.get("psnr").getAsDouble(), s.psnr(),
        10 / Math.log(10) * 2 * Tolerance.FLOAT32_U, "PSNR, float32 path");
  }

  @Test
  void handCaseOnAFlatVolume() {
    // 7x7x7, all in the mask; truth 0 HU, prediction 4000 HU (clipped to 3000 for PSNR and
    // SSIM): MAE 4000 (unclipped), PSNR 10 log10(4024^2 / 3000^2), and SSIM of two constant
    // images shifted to 1024 and 4024: l = (2 a b + C1) / (a^2 + b^2 + C1), cs = 1.
    int n = 7 * 7 * 7;
    float[] t = new float[n];
    float[] p = new float[n];
    boolean[] m = new boolean[n];
    java.util.Arrays.fill(p, 4000f);
    java.util.Arrays.fill(m, true);
    SynthRad2023.Scores s = SynthRad2023.evaluate(t, p, m, Grid.of3d(7, 7, 7));
    Tolerance.assertClose(4000, s.mae(), 0, "MAE");
    Tolerance.assertClose(10 * Math.log10(4024.0 * 4024 / (3000.0 * 3000)), s.psnr(), 1e-12,
        "PSNR");
    double c1 = Math.pow(0.01 * 4024, 2);
    double a = 1024;
    double b = 4024;
    // the filtered variances of a constant are a^2 s (1 - s) with s = (sum of the weights)^3 = 1
    // up to a few ulps: about 1e-8 against C2 = 14573, so cs = 1 within 1e-11
    Tolerance.assertClose((2 * a * b + c1) / (a * a + b * b + c1), s.ssim(), 1e-10, "SSIM");
  }

  @Test
  void needsTheMask() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SynthRad2023.mae(new float[8], new float[8], null));
    assertTrue(e.getMessage().contains("body mask"), e.getMessage());
    boolean[] none = new boolean[7 * 7 * 7];
    assertEquals(Double.NaN, SynthRad2023.mae(new float[343], new float[343], none));
  }
}
