package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dfbk.core.error.ConfigException;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/** AdamW, clipping and the learning-rate schedule against hand-computed values. */
class OptimizerMathTest {
  @Test
  void adamWMatchesTheDecoupledUpdateOverThreeSteps() {
    double lr = 0.1;
    double b1 = 0.9;
    double b2 = 0.99;
    double eps = 1e-8;
    double wd = 0.05;
    double[][] grads = {{0.5, -2.0}, {0.1, 1.0}, {-0.3, 0.0}};
    double[] theta = {1.0, -1.0};
    double[] m = new double[2];
    double[] v = new double[2];
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray p = manager.create(new float[] {1.0f, -1.0f});
      AdamW adam = new AdamW(manager, 2, p.getDevice(), b1, b2, eps, wd);
      for (int k = 1; k <= 3; k++) {
        for (int i = 0; i < 2; i++) {
          double g = grads[k - 1][i];
          m[i] = b1 * m[i] + (1 - b1) * g;
          v[i] = b2 * v[i] + (1 - b2) * g * g;
          theta[i] *= 1 - lr * wd;
          theta[i] -= lr * (m[i] / (1 - Math.pow(b1, k)))
              / (Math.sqrt(v[i] / (1 - Math.pow(b2, k))) + eps);
        }
        try (NDManager scratch = manager.newSubManager()) {
          NDArray g = scratch.create(new float[] {(float) grads[k - 1][0],
              (float) grads[k - 1][1]});
          adam.step(p, g, lr, scratch);
        }
        Tolerance.assertClose(theta, Tolerance.toDouble(p.toFloatArray()), 1e-6, 1e-7,
            "theta after AdamW step " + k);
      }
    }
  }

  @Test
  void adamWKeepsNoTemporariesInTheStateManager() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray p = manager.create(new float[] {1.0f, 2.0f});
      AdamW adam = new AdamW(manager, 2, p.getDevice(), 0.9, 0.999, 1e-8, 0.01);
      int before = manager.getManagedArrays().size();
      for (int k = 0; k < 5; k++) {
        try (NDManager scratch = manager.newSubManager()) {
          adam.step(p, scratch.create(new float[] {1, 1}), 0.1, scratch);
        }
      }
      Tolerance.assertClose(before, manager.getManagedArrays().size(), 0, "live arrays");
    }
  }

  @Test
  void clipFactorScalesTheFlatGradientToTheMaxNorm() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray[] grads = {m.create(new float[] {3, 4, 12})};
      NDArray norm = grads[0].norm(); // as the trainer takes it: the flat gradient's norm
      Tolerance.assertClose(13.0, norm.getFloat(), 1e-5, "global norm of (3, 4, 12)");
      NDArray eps = m.create(1e-6f);
      NDArray one = m.create(1f);
      Tolerance.assertClose(1.0 / 13.0, GradientClip.factor(norm, one, eps, one).getFloat(), 1e-7,
          "factor for max norm 1");
      Tolerance.assertClose(1.0, GradientClip.factor(norm, m.create(20f), eps, one).getFloat(), 0,
          "no scaling below the max norm");
      NDArray[] clipped = {grads[0].mul(GradientClip.factor(norm, m.create(2.6f), eps, one))};
      Tolerance.assertClose(new double[] {0.6, 0.8, 2.4},
          Tolerance.toDouble(clipped[0].toFloatArray()), 1e-6, 0, "(3, 4, 12) scaled by 2.6/13");
    }
  }

  @Test
  void learningRateWarmsUpThenFollowsTheCosineToLrMin() {
    LearningRateSchedule s = new LearningRateSchedule(5e-5, 2e-5, 10, 110);
    Tolerance.assertClose(5e-6, s.at(0), 1e-15, "first warm-up step");
    Tolerance.assertClose(5e-5, s.at(9), 1e-15, "last warm-up step");
    Tolerance.assertClose(5e-5, s.at(10), 1e-15, "cosine start");
    Tolerance.assertClose(3.5e-5, s.at(60), 1e-15, "cosine midpoint");
    Tolerance.assertClose(2e-5 + 3e-5 * 0.5 * (1 + Math.cos(Math.PI * 99 / 100)), s.at(109),
        1e-15, "last step");
    LearningRateSchedule none = new LearningRateSchedule(5e-5, 2e-5, 0, 100);
    Tolerance.assertClose(5e-5, none.at(0), 1e-15, "no warm-up");
  }

  @Test
  void configRejectsBf16AndNamesKeys() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> TrainerConfig.builder().precision(Precision.BF16).build());
    assertTrue(e.getMessage().contains("bf16") && e.getMessage().contains("fp16"),
        e.getMessage());
    ConfigException lr = assertThrows(ConfigException.class,
        () -> TrainerConfig.builder().learningRate(1e-5).learningRateMin(2e-5).build());
    assertTrue(lr.getMessage().contains("TrainerConfig.learningRateMin"), lr.getMessage());
    ConfigException p = assertThrows(ConfigException.class,
        () -> Precision.parse("train.precision", "fp8"));
    assertTrue(p.getMessage().contains("fp32, fp16, bf16"), p.getMessage());
  }
}
