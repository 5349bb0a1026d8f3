package org.dfbk.train.diffusion;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.dfbk.core.error.ConfigException;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/** Reference values: DESIGN.md "The model" (T = 4), derived by hand from ResShift's formulas. */
class ResShiftScheduleTest {
  private final ResShiftSchedule schedule = ResShiftSchedule.paperDefault();

  @Test
  void sqrtEtasMatchTheDesignVector() {
    Tolerance.assertClose(new double[] {0.1, 0.520096, 0.761382, 0.99}, schedule.sqrtEtas(),
        0, 5e-7, "sqrt(eta)");
  }

  @Test
  void etasMatchTheDesignVector() {
    Tolerance.assertClose(new double[] {0.01, 0.2705, 0.579703, 0.9801}, schedule.etas(),
        0, 5e-7, "eta");
  }

  @Test
  void alphasAreEtaIncrementsWithAlpha1EqualEta1() {
    Tolerance.assertClose(new double[] {0.01, 0.2605, 0.309202, 0.400397}, schedule.alphas(),
        0, 5e-7, "alpha");
  }

  @Test
  void lossWeightsMatchResShiftClippedPosteriorVariance() {
    // w_1 = 1 / (2 sigma^2_2) with sigma^2_2 = 4 * 0.01 / 0.2705 * 0.2605;
    // w_t = a_t / (2 k^2 e_t e_{t-1}) for t >= 2
    // (the design lists 0.0880900; the exact value 0.08808982 rounds to 0.0880898).
    Tolerance.assertClose(new double[] {12.9798, 12.0379, 0.246479, 0.0880898},
        schedule.lossWeights(), 1e-5, 0, "loss weights");
  }

  @Test
  void posteriorCoefficientsFollowEquation3() {
    double[] e = schedule.etas();
    double[] a = schedule.alphas();
    double[] c1 = schedule.posteriorMeanCoef1();
    double[] c2 = schedule.posteriorMeanCoef2();
    double[] v = schedule.posteriorVariance();
    Tolerance.assertClose(new double[] {0, 0.01 / 0.2705, 0.2705 / 0.579703, 0.579703 / 0.9801},
        c1, 1e-5, 0, "eta_{t-1}/eta_t");
    for (int i = 0; i < 4; i++) {
      Tolerance.assertClose(1.0, c1[i] + c2[i], 1e-15, "coef1 + coef2 at t index " + i);
      double prev = i == 0 ? 0 : e[i - 1];
      Tolerance.assertClose(4.0 * prev / e[i] * a[i], v[i], 1e-15, "posterior variance " + i);
    }
    Tolerance.assertClose(0.0385213, schedule.posteriorVarianceClipped()[0], 1e-7,
        "clipped posterior variance at t=1");
  }

  @Test
  void inputScaleIsResShiftsPixelNormalisation() {
    Tolerance.assertClose(new double[] {1 / 1.6, 1 / (6 * 0.520096 + 1), 1 / (6 * 0.761382 + 1),
        1 / 6.94}, schedule.inputScales(), 1e-6, 0, "1/(3 kappa sqrt(eta) + 1)");
  }

  @Test
  void invalidSettingsNameTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new ResShiftSchedule(1, 0.3, 2, 0.2, 0.99));
    assertTrue(e.getMessage().contains("ResShiftSchedule.numSteps"), e.getMessage());
    assertThrows(ConfigException.class, () -> new ResShiftSchedule(4, 0.3, 0, 0.2, 0.99));
    assertThrows(ConfigException.class, () -> new ResShiftSchedule(4, 0.3, 2, 0.2, 1.0));
    assertThrows(ConfigException.class, () -> new ResShiftSchedule(4, -1, 2, 0.2, 0.99));
    assertThrows(ConfigException.class, () -> new ResShiftSchedule(4, 0.3, 2, 2.5, 0.99));
  }

  @Test
  void qSampleWithGivenNoiseFollowsEquation1() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x0 = m.create(new float[] {0.5f, -0.25f}, new Shape(2, 1, 1, 1));
      NDArray y0 = m.create(new float[] {-0.5f, 0.75f}, new Shape(2, 1, 1, 1));
      NDArray noise = m.create(new float[] {1.0f, -2.0f}, new Shape(2, 1, 1, 1));
      NDArray t = m.create(new long[] {1, 3});
      float[] xt = schedule.qSample(x0, y0, t, noise).toFloatArray();
      double e1 = 0.27050023638417986;
      double e3 = 0.9800999999999995;
      double[] expected = {0.5 + e1 * (-1.0) + 2 * Math.sqrt(e1) * 1.0,
          -0.25 + e3 * 1.0 + 2 * Math.sqrt(e3) * -2.0};
      Tolerance.assertClose(expected, Tolerance.toDouble(xt), 0, 1e-6, "x_t");
      float[] scaled = schedule.scaleInput(m.create(xt, new Shape(2, 1, 1, 1)), t).toFloatArray();
      Tolerance.assertClose(new double[] {xt[0] / (6 * Math.sqrt(e1) + 1),
          xt[1] / (6 * Math.sqrt(e3) + 1)}, Tolerance.toDouble(scaled), 0, 1e-6, "scaled x_t");
    }
  }

  @Test
  void forwardProcessHasTheStatedMeanAndVariance() {
    int n = 20000;
    float x0v = 0.6f;
    float y0v = -0.4f;
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x0 = m.full(new Shape(n, 1, 1, 1), x0v);
      NDArray y0 = m.full(new Shape(n, 1, 1, 1), y0v);
      for (int i = 0; i < 4; i++) {
        NDArray noise = GaussianNoise.normal(m, new SplittableRandom(17 + i), x0.getShape(),
            x0.getDevice());
        NDArray t = m.full(new Shape(n), i, ai.djl.ndarray.types.DataType.INT64);
        float[] xt = schedule.qSample(x0, y0, t, noise).toFloatArray();
        double mean = 0;
        for (float v : xt) {
          mean += v;
        }
        mean /= n;
        double var = 0;
        for (float v : xt) {
          var += (v - mean) * (v - mean);
        }
        var /= n - 1;
        double eta = schedule.etas()[i];
        double expectedMean = x0v + eta * (y0v - x0v);
        double expectedVar = 4.0 * eta;
        // 5 standard errors: sd(mean) = sqrt(var/n), sd(var) ~ var * sqrt(2/(n-1))
        Tolerance.assertClose(expectedMean, mean, 5 * Math.sqrt(expectedVar / n),
            "mean of x_t at t index " + i);
        Tolerance.assertClose(expectedVar, var, 5 * expectedVar * Math.sqrt(2.0 / (n - 1)),
            "variance of x_t at t index " + i);
      }
    }
  }
}
