package org.dfbk.train.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class ResShiftSamplerTest {
  private final ResShiftSampler sampler = new ResShiftSampler(ResShiftSchedule.paperDefault());

  private static NDArray image(NDManager m, long seed) {
    return GaussianNoise.normal(m, new SplittableRandom(seed), new Shape(2, 1, 8, 8),
        m.getDevice()).mul(0.4f).clip(-1f, 1f);
  }

  @Test
  void perfectDenoiserEndsExactlyAtX0WithFourNetworkCalls() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x0 = image(m, 1);
      NDArray y0 = image(m, 2);
      AtomicInteger calls = new AtomicInteger();
      NDArray out = sampler.sample((xt, y, t) -> {
        calls.incrementAndGet();
        return x0.duplicate();
      }, y0, 42);
      assertEquals(4, calls.get(), "network calls");
      Tolerance.assertClose(x0.toFloatArray(), out.toFloatArray(), 0, 1e-6, "final sample");
    }
  }

  @Test
  void networkSeesScaledInputAndDescendingTimesteps() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray y0 = m.zeros(new Shape(1, 1, 2, 2));
      StringBuilder seen = new StringBuilder();
      double[] maxAbs = new double[4];
      sampler.sample((xt, y, t) -> {
        int i = (int) t.toLongArray()[0];
        seen.append(i);
        maxAbs[i] = xt.abs().max().getFloat();
        return y.duplicate();
      }, y0, 3);
      assertEquals("3210", seen.toString());
      // at t = T, x_T = kappa * sqrt(eta_T) * eps, scaled by 1/(3 kappa sqrt(eta_T) + 1)
      assertTrue(maxAbs[3] < 1.98 * 4 / 6.94, "scaled x_T max " + maxAbs[3]);
    }
  }

  @Test
  void sameSeedSameSampleOtherSeedOtherSample() {
    Denoiser blend = (xt, y, t) -> xt.mul(0.5f).add(y.mul(0.5f));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray y0 = image(m, 5);
      float[] a = sampler.sample(blend, y0, 7).toFloatArray();
      float[] b = sampler.sample(blend, y0, 7).toFloatArray();
      float[] c = sampler.sample(blend, y0, 8).toFloatArray();
      assertArrayEquals(a, b, "same seed");
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - c[i]));
      }
      assertTrue(diff > 1e-3, "different seeds should differ, max |diff| " + diff);
    }
  }

  @Test
  void manySamplesGiveMeanAndZeroStdForADeterministicModel() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x0 = image(m, 11);
      NDArray y0 = image(m, 12);
      SampleStatistics s = sampler.sampleMany((xt, y, t) -> x0.duplicate(), y0, 3, 9);
      assertEquals(3, s.samples());
      Tolerance.assertClose(x0.toFloatArray(), s.mean().toFloatArray(), 0, 1e-6, "mean");
      Tolerance.assertClose(new float[(int) x0.size()], s.std().toFloatArray(), 0, 1e-3, "std");
    }
  }

  @Test
  void stdOfANoiseSensitiveModelIsPositiveAndMatchesTwoSamples() {
    Denoiser blend = (xt, y, t) -> xt.mul(0.5f).add(y.mul(0.5f));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray y0 = image(m, 13);
      SampleStatistics s = sampler.sampleMany(blend, y0, 2, 21);
      float[] a = sampler.sample(blend, y0, GaussianNoise.deriveSeed(21, 0)).toFloatArray();
      float[] b = sampler.sample(blend, y0, GaussianNoise.deriveSeed(21, 1)).toFloatArray();
      double[] mean = new double[a.length];
      double[] std = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        mean[i] = (a[i] + b[i]) / 2.0;
        std[i] = Math.abs(a[i] - b[i]) / 2.0;
      }
      Tolerance.assertClose(mean, Tolerance.toDouble(s.mean().toFloatArray()), 0, 1e-6, "mean");
      Tolerance.assertClose(std, Tolerance.toDouble(s.std().toFloatArray()), 0, 2e-3, "std");
    }
  }

  @Test
  void withThePerfectDenoiserEveryStateHasTheForwardMarginal() {
    // q(x_{t-1} | x_t, x_0) composed with q(x_t | x_0, y_0) must give q(x_{t-1} | x_0, y_0):
    // mean x0 + eta (y0 - x0), variance kappa^2 eta; the sampler's x_t is checked at every step
    ResShiftSchedule schedule = sampler.schedule();
    int h = 100;
    int w = 200;
    double x0v = 0.6;
    double y0v = -0.4;
    double[][] moments = new double[4][];
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x0 = m.full(new Shape(1, 1, h, w), (float) x0v);
      NDArray y0 = m.full(new Shape(1, 1, h, w), (float) y0v);
      sampler.sample((xt, y, t) -> {
        int i = (int) t.toLongArray()[0];
        float[] v = xt.toFloatArray();
        double scale = schedule.inputScales()[i];
        double mean = 0;
        for (float f : v) {
          mean += f / scale;
        }
        mean /= v.length;
        double var = 0;
        for (float f : v) {
          var += (f / scale - mean) * (f / scale - mean);
        }
        moments[i] = new double[] {mean, var / (v.length - 1)};
        return x0.duplicate();
      }, y0, 2024);
    }
    int n = h * w;
    for (int i = 0; i < 4; i++) {
      double eta = schedule.etas()[i];
      double expectedVar = 4.0 * eta;
      Tolerance.assertClose(x0v + eta * (y0v - x0v), moments[i][0],
          5 * Math.sqrt(expectedVar / n), "mean of x_t at t index " + i);
      Tolerance.assertClose(expectedVar, moments[i][1], 5 * expectedVar * Math.sqrt(2.0 / (n - 1)),
          "variance of x_t at t index " + i);
    }
  }

  @Test
  void extraConditionChannelsReachTheNetworkAndShiftNothingElse() {
    // x is shifted toward channel 0 of a 3-channel condition; a denoiser that reads only
    // channel 0 must then give the 1-channel sample bit for bit (the same operations on the
    // same values in the same order), and the network must see all three channels
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray first = image(m, 7);
      NDArray condition = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(first,
          image(m, 8), image(m, 9)), 1);
      long[] seenChannels = new long[1];
      Denoiser onFirst = (xt, y, t) -> {
        seenChannels[0] = y.getShape().get(1);
        return xt.mul(0.5f).add(y.get(new ai.djl.ndarray.index.NDIndex(":, 0:1")).mul(0.5f));
      };
      NDArray single = sampler.sample(onFirst, first, 11);
      assertEquals(1, seenChannels[0]);
      NDArray multi = sampler.sample(onFirst, condition, 1, 11);
      assertEquals(3, seenChannels[0], "channels the network saw");
      assertEquals(new Shape(2, 1, 8, 8), multi.getShape());
      assertArrayEquals(single.toFloatArray(), multi.toFloatArray());
      SampleStatistics st = sampler.sampleMany(onFirst, condition, 1, 3, 11);
      assertEquals(new Shape(2, 1, 8, 8), st.mean().getShape());
      assertEquals(new Shape(2, 1, 8, 8), st.std().getShape());
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> sampler.sample(onFirst, first, 2, 11));
      assertTrue(e.getMessage().contains("(2, 1, 8, 8)"), e.getMessage());
    }
  }
}
