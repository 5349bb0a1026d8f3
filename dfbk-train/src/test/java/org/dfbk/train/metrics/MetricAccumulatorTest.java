package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class MetricAccumulatorTest {

  @Test
  void meanLeavesOutUndefinedMaskedValues() {
    MetricAccumulator acc = new MetricAccumulator();
    acc.add(new MetricValues(20, 0.8, 0.1, 18, Double.NaN, 0.2));
    acc.add(new MetricValues(30, 0.9, 0.3, 22, 0.7, 0.4));
    assertEquals(2, acc.count());
    Tolerance.assertClose(25.0, acc.mean(Metric.PSNR), 1e-15, "mean PSNR");
    Tolerance.assertClose(0.7, acc.mean(Metric.MASKED_SSIM), 1e-15, "mean masked SSIM without NaN");
    assertEquals(2, acc.values(Metric.SSIM).length);
    acc.reset();
    assertTrue(Double.isNaN(acc.mean(Metric.PSNR)), "mean of nothing is NaN");
  }

  private static Volume volume(int nx, int ny, int nz, long seed, double shiftMm) {
    Random r = new Random(seed);
    float[] d = new float[nx * ny * nz];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextFloat();
    }
    double[][] affine = {{1, 0, 0, shiftMm}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    return new Volume(nx, ny, nz, d, new double[] {1, 1, 1}, affine);
  }

  @Test
  void volumeOverloadEqualsFlatThreeDimensionalEvaluation() {
    Volume a = volume(12, 13, 11, 1, 0);
    Volume b = volume(12, 13, 11, 2, 0);
    MetricValues v = ImageQuality.evaluate(a, b, 1.0, null);
    double ssim3d = Ssim.ssim(a.data(), b.data(), Grid.of3d(12, 13, 11),
        SsimOptions.standard(1.0));
    Tolerance.assertClose(ssim3d, v.ssim(), 0, "volume SSIM is the 3-D SSIM");
  }

  @Test
  void volumesOnDifferentGridsAreADataError() {
    Volume a = volume(12, 13, 11, 1, 0);
    Volume b = volume(12, 13, 11, 2, 5.0);
    DataException e = assertThrows(DataException.class,
        () -> ImageQuality.evaluate(a, b, 1.0, null));
    assertTrue(e.getMessage().contains("[12, 13, 11]"), e.getMessage());
  }
}
