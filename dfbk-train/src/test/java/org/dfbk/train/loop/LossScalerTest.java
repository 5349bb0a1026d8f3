package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The fp16 dynamic loss scale, step by step against hand-counted values. Scales are powers of two,
 * so halving and doubling are exact and compared with {@code assertEquals}.
 */
class LossScalerTest {
  private static final float OVERFLOW = Float.POSITIVE_INFINITY;

  @Test
  void fp32AcceptsEveryStepWithScaleOne() {
    LossScaler s = new LossScaler(false, 65536);
    assertEquals(1.0, s.scale(), "fp32 scale, whatever the initial scale");
    assertTrue(s.accept(Float.NaN, 0), "fp32 accepts a NaN norm (the DivergenceGuard's job)");
    assertTrue(s.accept(OVERFLOW, 1), "fp32 accepts an infinite norm");
    assertTrue(s.accept(2.5f, 2), "fp32 accepts a finite norm");
    assertEquals(1.0, s.scale(), "fp32 scale after three steps");
    assertEquals(0, s.skippedInWindow(), "fp32 skips nothing");
  }

  @Test
  void fp32RestoreKeepsScaleOne() {
    LossScaler s = new LossScaler(false, 1);
    s.restore(4096, 17);
    assertEquals(1.0, s.scale(), "fp32 scale after restoring a checkpoint's 4096");
    assertEquals(17, s.goodSteps(), "good-step counter restored");
  }

  @Test
  void overflowHalvesTheScaleButNotBelowOne() {
    LossScaler s = new LossScaler(true, 8);
    double[] expected = {4, 2, 1, 1};
    for (int i = 0; i < expected.length; i++) {
      assertFalse(s.accept(OVERFLOW, i), "overflowed step " + i + " must be skipped");
      assertEquals(expected[i], s.scale(), "scale after overflow " + (i + 1) + " from 8");
    }
  }

  @Test
  void growthIntervalGoodStepsDoubleTheScale() {
    LossScaler s = new LossScaler(true, 4);
    for (long i = 0; i < LossScaler.GROWTH_INTERVAL - 1; i++) {
      assertTrue(s.accept(1f, i), "finite step " + i);
    }
    assertEquals(4.0, s.scale(), "scale after GROWTH_INTERVAL − 1 = "
        + (LossScaler.GROWTH_INTERVAL - 1) + " good steps");
    assertEquals(LossScaler.GROWTH_INTERVAL - 1, s.goodSteps(), "good steps counted");
    assertTrue(s.accept(1f, LossScaler.GROWTH_INTERVAL - 1));
    assertEquals(8.0, s.scale(), "scale after " + LossScaler.GROWTH_INTERVAL + " good steps");
    assertEquals(0, s.goodSteps(), "the counter restarts when the scale changes");
  }

  @Test
  void anOverflowRestartsTheGrowthCount() {
    LossScaler s = new LossScaler(true, 4);
    for (long i = 0; i < 1500; i++) {
      s.accept(1f, i);
    }
    s.accept(OVERFLOW, 1500); // scale 2, counter 0
    for (long i = 0; i < LossScaler.GROWTH_INTERVAL - 1; i++) {
      s.accept(1f, 1501 + i);
    }
    assertEquals(2.0, s.scale(), "1500 + " + (LossScaler.GROWTH_INTERVAL - 1)
        + " good steps around an overflow must not double the scale");
    s.accept(1f, 1501 + LossScaler.GROWTH_INTERVAL);
    assertEquals(4.0, s.scale(), "doubled after GROWTH_INTERVAL good steps since the overflow");
  }

  @Test
  void skippedStepsAreCountedPerWindow() {
    LossScaler s = new LossScaler(true, 1024);
    float[] norms = {OVERFLOW, 1f, Float.NaN, 2f, OVERFLOW};
    for (int i = 0; i < norms.length; i++) {
      s.accept(norms[i], i);
    }
    assertEquals(3, s.skippedInWindow(), "overflows among " + java.util.Arrays.toString(norms));
    s.resetWindow();
    assertEquals(0, s.skippedInWindow(), "after resetWindow");
    s.accept(OVERFLOW, 5);
    assertEquals(1, s.skippedInWindow(), "one overflow in the new window");
  }

  @Test
  void restoreSetsScaleAndGoodStepCounter() {
    LossScaler s = new LossScaler(true, 65536);
    s.restore(1024, LossScaler.GROWTH_INTERVAL - 1);
    assertEquals(1024.0, s.scale(), "restored scale");
    assertEquals(LossScaler.GROWTH_INTERVAL - 1, s.goodSteps(), "restored counter");
    s.accept(1f, 0);
    assertEquals(2048.0, s.scale(), "one good step after a restored counter of "
        + (LossScaler.GROWTH_INTERVAL - 1) + " doubles the restored 1024");
  }

  @Test
  void overflowsInARowAtScaleOneStopTrainingNamingFp32() {
    int max = DivergenceGuard.MAX_SKIPPED_IN_A_ROW;
    // from scale 2 the first overflow only halves the scale; the next max − 1 ones at scale 1
    // are tolerated and the max-th at scale 1 (overall step max) throws
    LossScaler s = new LossScaler(true, 2);
    for (int i = 0; i < max; i++) {
      assertFalse(s.accept(OVERFLOW, i), "overflow " + (i + 1) + " is skipped, not fatal");
    }
    assertEquals(1.0, s.scale(), "scale after " + max + " overflows from 2");
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> s.accept(OVERFLOW, max));
    assertTrue(e.getMessage().contains("TrainerConfig.precision fp32")
        && e.getMessage().contains(max + " steps in a row")
        && e.getMessage().contains("step " + max), e.getMessage());
  }

  @Test
  void aFiniteStepResetsTheOverflowsInARow() {
    int max = DivergenceGuard.MAX_SKIPPED_IN_A_ROW;
    LossScaler s = new LossScaler(true, 1);
    long step = 0;
    for (int i = 0; i < max - 1; i++) {
      s.accept(OVERFLOW, step++);
    }
    assertTrue(s.accept(1f, step++), "a finite step between two runs of overflows");
    for (int i = 0; i < max - 1; i++) {
      assertFalse(s.accept(OVERFLOW, step), "overflow " + (i + 1) + " of the second run, step "
          + step);
      step++;
    }
    assertEquals(2L * (max - 1), s.skippedInWindow(), "skipped in both runs");
  }
}
