package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Non-finite float32 steps: skipped, counted, reported, and fatal ten in a row. */
class DivergenceGuardTest {
  /** a [2] trainable, frozen [3] (no slice), c [2] trainable: the flat gradient has 4 values. */
  private static final FlatLayout LAYOUT = FlatLayout.of(List.of("a", "frozen", "c"),
      List.of(new Shape(2), new Shape(3), new Shape(2)), new boolean[] {true, false, true});

  /** The gradient must not be read back for a step that is accepted (a full host copy). */
  private static final Supplier<float[]> UNREAD = () -> fail("gradient read for a finite step");

  private static Supplier<float[]> gradient(float... g) {
    return () -> g;
  }

  @Test
  void aFiniteNormIsAcceptedWithoutReadingTheGradient() {
    DivergenceGuard guard = new DivergenceGuard(LAYOUT);
    assertTrue(guard.accept(3.5f, 0, UNREAD), "finite norm 3.5");
    assertTrue(guard.accept(Float.MAX_VALUE, 1, UNREAD), "finite norm Float.MAX_VALUE");
    assertEquals(0, guard.skippedInWindow(), "skipped steps");
  }

  @Test
  void aNonFiniteNormIsSkippedAndCountedPerWindow() {
    DivergenceGuard guard = new DivergenceGuard(LAYOUT);
    assertFalse(guard.accept(Float.NaN, 0, gradient(Float.NaN, 1, 2, 3)), "NaN norm");
    assertFalse(guard.accept(Float.POSITIVE_INFINITY, 1, gradient(1, 1, 1, 1)), "infinite norm");
    assertTrue(guard.accept(1f, 2, UNREAD), "finite norm after two bad steps");
    assertEquals(2, guard.skippedInWindow(), "skipped steps of NaN, ∞, 1");
    guard.resetWindow();
    assertEquals(0, guard.skippedInWindow(), "after resetWindow");
  }

  @Test
  void tenNonFiniteStepsInARowStopTrainingNamingTheFix() {
    int max = DivergenceGuard.MAX_SKIPPED_IN_A_ROW;
    assertEquals(10, max, "documented limit");
    DivergenceGuard guard = new DivergenceGuard(LAYOUT);
    for (int step = 100; step < 100 + max - 1; step++) {
      assertFalse(guard.accept(Float.NaN, step, gradient(Float.NaN, 0, 0, 0)),
          "non-finite step " + step + " is skipped, not fatal");
    }
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> guard.accept(Float.NaN, 109, gradient(Float.NaN, 0, 0, 0)));
    String m = e.getMessage();
    assertTrue(m.contains("step 109") && m.contains("10 steps in a row")
        && m.contains("lower TrainerConfig.learningRate")
        && m.contains("TrainerConfig.gradClipNorm")
        && m.contains("resume from an earlier checkpoint"), m);
  }

  @Test
  void aFiniteStepResetsTheRun() {
    DivergenceGuard guard = new DivergenceGuard(LAYOUT);
    int max = DivergenceGuard.MAX_SKIPPED_IN_A_ROW;
    long step = 0;
    for (int i = 0; i < max - 1; i++) {
      guard.accept(Float.NaN, step++, gradient(Float.NaN, 0, 0, 0));
    }
    guard.accept(1f, step++, UNREAD);
    for (int i = 0; i < max - 1; i++) {
      long s = step++;
      assertDoesNotThrow(() -> guard.accept(Float.NaN, s, gradient(Float.NaN, 0, 0, 0)),
          "non-finite step " + (i + 1) + " of the second run");
    }
    assertEquals(2L * (max - 1), guard.skippedInWindow(), "skipped in both runs");
  }

  @Test
  void reportNamesTheNonFiniteParametersAndTheFiniteOnes() {
    DivergenceGuard guard = new DivergenceGuard(LAYOUT);
    // flat gradient: a = (1, 2), c = (NaN, 4); the frozen parameter has no slice
    String report = guard.report(new float[] {1, 2, Float.NaN, 4});
    assertEquals("1 of 2 parameters non-finite; finite: [a]", report);
  }

  @Test
  void reportListsTheLastNonFiniteParametersWhenMoreThanTwelveAreFinite() {
    List<String> names = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (int k = 0; k < 15; k++) {
      names.add("p" + k);
      shapes.add(new Shape(1));
    }
    boolean[] trainable = new boolean[15];
    java.util.Arrays.fill(trainable, true);
    DivergenceGuard guard = new DivergenceGuard(FlatLayout.of(names, shapes, trainable));
    float[] g = new float[15];
    g[0] = Float.NaN; // a NaN spreads upstream: p0 and p1 non-finite, p2..p14 (13) finite
    g[1] = Float.NEGATIVE_INFINITY;
    assertEquals("2 of 15 parameters non-finite; last non-finite: [p0, p1]", guard.report(g));
  }

  @Test
  void reportOfAFiniteGradientWhoseNormOverflowedGivesTheLargestNorms() {
    DivergenceGuard guard = new DivergenceGuard(LAYOUT);
    // |a| = |(3, 4)| = 5, |c| = |(1e20, 0)| = 1e20; total √(25 + 1e40) = 1e20 (in float64)
    String report = guard.report(new float[] {3, 4, 1e20f, 0});
    assertEquals("every gradient is finite but the float32 norm overflowed: norm 1.000e+20; "
        + "largest: c 1.000e+20 a 5.000e+00", report);
  }

  @Test
  void checkWindowThrowsOnANonFiniteLossUnlessEveryStepWasAnFp16Skip() {
    DivergenceGuard guard = new DivergenceGuard(LAYOUT);
    assertDoesNotThrow(() -> guard.checkWindow(0.25, false, 50, 10, 1e-4), "finite loss");
    assertDoesNotThrow(() -> guard.checkWindow(Double.NaN, true, 50, 10, 1e-4),
        "NaN loss of a window of fp16 skips only (the loss scale settling)");
    for (double loss : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
      TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
          () -> guard.checkWindow(loss, false, 50, 10, 1e-4), "mean loss " + loss);
      String m = e.getMessage();
      assertTrue(m.contains("step 50") && m.contains("mean loss " + loss)
          && m.contains("last 10 steps") && m.contains("lr 0.000100")
          && m.contains("lower TrainerConfig.learningRate"), m);
    }
  }
}
