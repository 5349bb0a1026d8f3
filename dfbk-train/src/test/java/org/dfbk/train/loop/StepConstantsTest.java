package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The step's uploaded constants. Every value is a float32 rounding of the host value, so the
 * expected values are the same Java casts and the comparisons are exact.
 */
class StepConstantsTest {
  private static final int B = 4;
  /** Two per-sample rows of B values: row 0 = 1, 2, 3, 4 and row 1 = 10, 20, 30, 40. */
  private static final float[] ROWS = {1, 2, 3, 4, 10, 20, 30, 40};
  private static final double[] ADAM = {0.1, 0.001, 0.99999, 1e-8, -5e-5};
  private static final StepConstants.Scalars SCALARS =
      new StepConstants.Scalars(B, 1024, 0.999, 1.5, ADAM);

  @Test
  void perSampleGivesTheRowSliceAsNByOneByOneByOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      StepConstants c = new StepConstants(m, Device.cpu(), ROWS, SCALARS);
      NDArray slice = c.perSample(1, 1, 3);
      assertEquals(new Shape(2, 1, 1, 1), slice.getShape(), "row 1, samples 1..3");
      assertArrayEquals(new float[] {20, 30}, slice.toFloatArray(), "row 1, samples 1..3");
      assertArrayEquals(new float[] {1, 2, 3, 4}, c.perSample(0, 0, B).toFloatArray(),
          "row 0, all samples");
      assertArrayEquals(new float[] {40}, c.perSample(1, 3, 4).toFloatArray(),
          "row 1, last sample");
    }
  }

  @Test
  void scalarsAreZeroDimFloat32HoldingTheUploadedValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      StepConstants c = new StepConstants(m, Device.cpu(), ROWS, SCALARS);
      Object[][] expected = {
          {"invBatch", c.invBatch(), 0.25f},
          {"lossScale", c.lossScale(), 1024f},
          {"invLossScale", c.invLossScale(), 1f / 1024},
          {"emaRate", c.emaRate(), (float) 0.999},
          {"oneMinusEmaRate", c.oneMinusEmaRate(), (float) (1 - 0.999)},
          {"clipNorm", c.clipNorm(), 1.5f},
          {"clipEpsilon", c.clipEpsilon(), 1e-6f},
          {"one", c.one(), 1f}};
      for (Object[] e : expected) {
        NDArray a = (NDArray) e[1];
        assertEquals(new Shape(), a.getShape(), e[0] + " shape");
        assertEquals(DataType.FLOAT32, a.getDataType(), e[0] + " type");
        assertEquals((float) e[2], a.getFloat(), e[0] + " value");
      }
      NDArray adam = c.adam();
      assertEquals(new Shape(AdamW.COEFFICIENTS), adam.getShape(), "adam coefficients shape");
      float[] expectedAdam = new float[ADAM.length];
      for (int i = 0; i < ADAM.length; i++) {
        expectedAdam[i] = (float) ADAM[i];
      }
      assertArrayEquals(expectedAdam, adam.toFloatArray(), "adam coefficients");
    }
  }

  @Test
  void aPerSampleLengthThatIsNoMultipleOfTheBatchIsRejected() {
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new StepConstants(m, Device.cpu(), new float[7], SCALARS));
      assertTrue(e.getMessage().contains("B = 4") && e.getMessage().contains("found 7"),
          e.getMessage());
    }
  }
}
