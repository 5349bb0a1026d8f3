package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.loss.DiffusionLoss;
import org.junit.jupiter.api.Test;

/**
 * ResShift's objective: the step's draws from (seed, step), their per-sample rows against the
 * design's schedule values, and the chunk loss.
 */
class DiffusionObjectiveTest {
  private static final ResShiftSchedule SCHEDULE = ResShiftSchedule.paperDefault();
  private static final DiffusionObjective WEIGHTED =
      new DiffusionObjective(SCHEDULE, DiffusionLoss.WEIGHTED);
  private static final long SEED = 1234;
  private static final double U = Tolerance.FLOAT32_U;

  // DESIGN values of the paper schedule (T = 4, p = 0.3, κ = 2, min noise 0.2, √η_T = 0.99), to
  // the digits printed there; the last weight is 0.0880898 (exactly 0.08808982; the design's
  // 0.0880900 is mis-rounded, see ResShiftScheduleTest)
  private static final double[] ETA = {0.01, 0.2705, 0.579703, 0.9801};
  private static final double[] SQRT_ETA = {0.1, 0.520096, 0.761382, 0.99};
  private static final double[] WEIGHT = {12.9798, 12.0379, 0.246479, 0.0880898};

  private static final int ETA_ROW = 0;
  private static final int NOISE_STD_ROW = 1;
  private static final int INPUT_SCALE_ROW = 2;
  private static final int WEIGHT_ROW = 3;

  private static long[] timesteps(StepDraws d) {
    return d.arrays().get(0).toLongArray();
  }

  private static float[] noise(StepDraws d) {
    return d.arrays().get(1).toFloatArray();
  }

  private static StepConstants constants(NDManager m, StepDraws d, int batch) {
    return new StepConstants(m, Device.cpu(), d.perSample(),
        new StepConstants.Scalars(batch, 1, 0.9, 0, new double[AdamW.COEFFICIENTS]));
  }

  @Test
  void drawsAreAFunctionOfSeedAndStepOnly() {
    try (NDManager m = NDManager.newBaseManager()) {
      // two batches of the same shape but other contents
      Batch a = TrainerFixtures.smoothPairs(1, 8).next(m, 0);
      Batch b = TrainerFixtures.smoothPairs(2, 8).next(m, 5);
      StepDraws first = WEIGHTED.draw(m, SEED, 7, a);
      StepDraws again = WEIGHTED.draw(m, SEED, 7, b);
      assertArrayEquals(timesteps(first), timesteps(again), "timesteps of (seed, step 7)");
      assertArrayEquals(noise(first), noise(again), "noise of (seed, step 7)");
      assertArrayEquals(first.perSample(), again.perSample(), "per-sample rows of (seed, step 7)");
      assertEquals(a.x0().getShape(), first.arrays().get(1).getShape(), "noise shape = x0 shape");
    }
  }

  @Test
  void anotherStepOrSeedDrawsOtherNumbers() {
    try (NDManager m = NDManager.newBaseManager()) {
      Batch batch = TrainerFixtures.smoothPairs(1, 8).next(m, 0);
      float[] base = noise(WEIGHTED.draw(m, SEED, 7, batch));
      float[] nextStep = noise(WEIGHTED.draw(m, SEED, 8, batch));
      float[] otherSeed = noise(WEIGHTED.draw(m, SEED + 1, 7, batch));
      assertFalse(Arrays.equals(base, nextStep), "noise of step 8 equals that of step 7");
      assertFalse(Arrays.equals(base, otherSeed), "noise of seed + 1 equals that of seed");
    }
  }

  @Test
  void timestepsCoverZeroToTMinusOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      Batch batch = TrainerFixtures.smoothPairs(1, 64).next(m, 0);
      int[] counts = new int[SCHEDULE.numSteps()];
      for (long step = 0; step < 4; step++) {
        for (long t : timesteps(WEIGHTED.draw(m, SEED, step, batch))) {
          assertTrue(t >= 0 && t < SCHEDULE.numSteps(), "timestep " + t + " at step " + step
              + " outside 0.." + (SCHEDULE.numSteps() - 1));
          counts[(int) t]++;
        }
      }
      // 256 uniform draws: each of the 4 values is expected 64 times (σ ≈ 7); a missing value
      // would have probability 4 · (3/4)^256 ≈ 1e-32
      for (int t = 0; t < counts.length; t++) {
        assertTrue(counts[t] > 30, "timestep " + t + " drawn " + counts[t] + " times of 256: "
            + Arrays.toString(counts));
      }
    }
  }

  /**
   * Rows against the design values: η to ±5e-7 (its printed digits); κ√η = 2√η to ±1e-6 and
   * 1/(3κ√η + 1) = 1/(6√η + 1) to ±6·5e-7 (its derivative is at most 6); the weights to a
   * relative 5e-6 (six significant digits); plus the float32 rounding of the row (u relative).
   */
  @Test
  void perSampleRowsHoldTheScheduleValuesOfTheDrawnTimestep() {
    try (NDManager m = NDManager.newBaseManager()) {
      int b = 16;
      Batch batch = TrainerFixtures.smoothPairs(1, b).next(m, 0);
      StepDraws d = WEIGHTED.draw(m, SEED, 3, batch);
      long[] t = timesteps(d);
      float[] rows = d.perSample();
      assertEquals(4 * b, rows.length, "4 rows of B = " + b);
      for (int i = 0; i < b; i++) {
        int ti = (int) t[i];
        String at = "sample " + i + ", t = " + ti;
        double sqrtEta = SQRT_ETA[ti];
        Tolerance.assertClose(ETA[ti], rows[ETA_ROW * b + i], 5e-7 + U, "η, " + at);
        Tolerance.assertClose(2 * sqrtEta, rows[NOISE_STD_ROW * b + i], 1e-6 + 2 * U,
            "κ√η, " + at);
        Tolerance.assertClose(1 / (6 * sqrtEta + 1), rows[INPUT_SCALE_ROW * b + i],
            3e-6 + U, "1/(3κ√η + 1), " + at);
        Tolerance.assertClose(WEIGHT[ti], rows[WEIGHT_ROW * b + i], (5e-6 + U) * WEIGHT[ti],
            "loss weight, " + at);
      }
    }
  }

  @Test
  void mseLossWeighsEverySampleOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      int b = 8;
      Batch batch = TrainerFixtures.smoothPairs(1, b).next(m, 0);
      StepDraws d = new DiffusionObjective(SCHEDULE, DiffusionLoss.MSE).draw(m, SEED, 3, batch);
      float[] weights = Arrays.copyOfRange(d.perSample(), WEIGHT_ROW * b, (WEIGHT_ROW + 1) * b);
      float[] ones = new float[b];
      Arrays.fill(ones, 1f);
      assertArrayEquals(ones, weights, "mse weight row");
    }
  }

  /**
   * With a model that returns its input, x̂_0 = x_t/(3κ√η + 1) with x_t = x_0 + η(y_0 − x_0) + κ√η
   * ε (Eq. 1), so the chunk loss Σ_i w_i mean_j (x̂_0 − x_0)²_ij / B can be computed in float64
   * from the batch and the draws. Float32 bound: each error e = x̂_0 − x_0 carries about ten
   * roundings (seven operations, four rounded coefficients) of its terms' magnitudes A =
   * s(|x_0| + η|y_0 − x_0| + κ√η|ε|) + |x_0|, so |Δe²| ≤ 2|e|·10uA; the 256-term mean and the
   * weighting add (n + 4)u of the value.
   */
  @Test
  void chunkLossIsTheWeightedSquaredErrorOfTheOutputOverTheWholeBatch() {
    int b = 4;
    int start = 1;
    int end = 3; // a middle chunk: the rows must be sliced at the chunk's samples
    try (NDManager m = NDManager.newBaseManager()) {
      Batch batch = TrainerFixtures.smoothPairs(9, b).next(m, 0);
      StepDraws d = WEIGHTED.draw(m, SEED, 5, batch);
      StepConstants c = constants(m, d, b);
      float loss = WEIGHTED.chunkLoss(new Identity(), batch, d, c, start, end, m, false)
          .getFloat();

      float[] x0 = batch.x0().toFloatArray();
      float[] y0 = batch.y0().toFloatArray();
      float[] eps = noise(d);
      long[] t = timesteps(d);
      int n = (int) (batch.x0().getShape().size() / b);
      double expected = 0;
      double bound = 0;
      for (int i = start; i < end; i++) {
        int ti = (int) t[i];
        double eta = SCHEDULE.etas()[ti];
        double std = SCHEDULE.kappaSqrtEtas()[ti];
        double s = SCHEDULE.inputScales()[ti];
        double w = SCHEDULE.lossWeights()[ti];
        double sum = 0;
        double errorTerms = 0;
        for (int j = i * n; j < (i + 1) * n; j++) {
          double xt = x0[j] + eta * (y0[j] - x0[j]) + std * eps[j];
          double e = s * xt - x0[j];
          double magnitude = s * (Math.abs(x0[j]) + eta * Math.abs(y0[j] - x0[j])
              + std * Math.abs(eps[j])) + Math.abs(x0[j]);
          sum += e * e;
          errorTerms += 2 * Math.abs(e) * 10 * U * magnitude;
        }
        expected += w * (sum / n) / b;
        bound += w * (errorTerms / n + (n + 4) * U * sum / n) / b;
      }
      Tolerance.assertClose(expected, loss, bound,
          "chunk loss of samples " + start + ".." + end + " of B = " + b);
    }
  }

  /**
   * The chunks of a batch add up to its loss. The same samples go through the network in batches
   * of 2 and 4, which may sum in other orders: per-sample outputs within the net's reordering
   * bound ρ, so the squared errors within 2ρ, plus (n + 2B)u for the means and sums.
   */
  @Test
  void chunkLossesOfTwoHalvesAddUpToTheLossOfTheWholeBatch() {
    int b = 4;
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel model = TrainerFixtures.tinyModel(m, 3, 8);
      Batch batch = TrainerFixtures.smoothPairs(9, b).next(m, 0);
      StepDraws d = WEIGHTED.draw(m, SEED, 5, batch);
      StepConstants c = constants(m, d, b);
      double whole = WEIGHTED.chunkLoss(model, batch, d, c, 0, b, m, false).getFloat();
      double first = WEIGHTED.chunkLoss(model, batch, d, c, 0, 2, m, false).getFloat();
      double second = WEIGHTED.chunkLoss(model, batch, d, c, 2, b, m, false).getFloat();
      int n = TrainerFixtures.SIZE * TrainerFixtures.SIZE;
      double rtol = 2 * Tolerance.reordering(model.block()) + (n + 2 * b) * U;
      Tolerance.assertClose(whole, first + second, rtol * whole,
          "loss(0..2) + loss(2..4) vs loss(0..4) = " + whole);
      assertTrue(first > 0 && second > 0, "both halves carry loss: " + first + ", " + second);
    }
  }

  /** An analytic stand-in for a network: x̂_0 is the network input itself. */
  private static final class Identity implements TrainingModel {
    @Override
    public Block block() {
      throw new UnsupportedOperationException("the objective needs no block");
    }

    @Override
    public Device device() {
      return Device.cpu();
    }

    @Override
    public NDArray predictX0(ParameterStore store, NDArray scaledXt, NDArray y0, NDArray t,
        NDList context, boolean training) {
      return scaledXt;
    }
  }
}
