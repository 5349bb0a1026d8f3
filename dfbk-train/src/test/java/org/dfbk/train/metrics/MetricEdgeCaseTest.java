package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class MetricEdgeCaseTest {

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextFloat();
    }
    return a;
  }

  @Test
  void identicalImagesGiveInfinitePsnrAndUnitSsim() {
    Grid g = Grid.of2d(24, 17);
    float[] a = random(g.size(), 1);
    MetricValues v = ImageQuality.evaluate(a, a.clone(), g, 1.0, null);
    assertEquals(Double.POSITIVE_INFINITY, v.psnr(), "PSNR of identical images");
    Tolerance.assertClose(1.0, v.ssim(), 1e-12, "SSIM of identical images");
    assertEquals(0.0, v.mae(), "MAE of identical images");
    assertTrue(Double.isNaN(v.maskedPsnr()), "masked PSNR without a mask is NaN");
  }

  @Test
  void identicalVolumesGiveUnitSsim() {
    Grid g = Grid.of3d(12, 13, 11);
    float[] a = random(g.size(), 2);
    Tolerance.assertClose(1.0, Ssim.ssim(a, a, g, SsimOptions.standard(1.0)), 1e-12,
        "3-D SSIM of identical volumes");
  }

  @Test
  void emptyMaskGivesNaNMaskedValues() {
    Grid g = Grid.of2d(15, 15);
    float[] a = random(g.size(), 3);
    float[] b = random(g.size(), 4);
    boolean[] mask = new boolean[g.size()];
    mask[0] = true; // inside the image but in the cropped border
    MetricValues v = ImageQuality.evaluate(a, b, g, 1.0, mask);
    assertTrue(Double.isNaN(v.maskedSsim()), "masked SSIM with no mask inside the crop: "
        + v.maskedSsim());
    assertTrue(Double.isFinite(v.maskedPsnr()), "masked PSNR over one pixel is defined");
  }

  @Test
  void imageSmallerThanTheWindowIsRejectedWithItsSize() {
    Grid g = Grid.of2d(10, 30);
    float[] a = random(g.size(), 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ssim.ssim(a, a, g, SsimOptions.standard(1.0)));
    assertTrue(e.getMessage().contains("10x30") && e.getMessage().contains("11"),
        e.getMessage());
  }

  @Test
  void lengthMismatchNamesBothSizes() {
    Grid g = Grid.of2d(12, 12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageQuality.evaluate(new float[144], new float[143], g, 1.0, null));
    assertTrue(e.getMessage().contains("143") && e.getMessage().contains("144"), e.getMessage());
  }

  @Test
  void nonFiniteInputIsRejectedWithItsIndex() {
    Grid g = Grid.of2d(12, 12);
    float[] a = new float[144];
    a[17] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ssim.ssim(a, new float[144], g, SsimOptions.standard(1.0)));
    assertTrue(e.getMessage().contains("17"), e.getMessage());
  }

  @Test
  void defaultWindowHasElevenTaps() {
    SsimOptions o = SsimOptions.standard(1.0);
    assertEquals(11, o.windowSize());
    double sum = 0;
    for (double w : o.kernel()) {
      sum += w;
    }
    Tolerance.assertClose(1.0, sum, 1e-15, "kernel sum");
  }
}
