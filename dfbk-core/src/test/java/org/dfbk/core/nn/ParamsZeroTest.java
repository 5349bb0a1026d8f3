package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.dfbk.fixtures.Params;
import org.junit.jupiter.api.Test;

/**
 * The test helpers that clear gradients and assign parameters must overwrite NaN and infinite
 * values: {@code x.subi(x)} keeps a NaN (NaN − NaN = NaN), which once made a diverged gradient
 * stick across gradient checks. Exact equality: the results are assignments of 0 and of the given
 * values, no arithmetic.
 */
class ParamsZeroTest {

  @Test
  void zeroClearsNaNAndInfinityInAScalar() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray scalar = m.create(Float.NaN); // 0-dim
      assertEquals(new Shape(), scalar.getShape());
      Params.zero(scalar);
      assertEquals(0f, scalar.getFloat(), "a NaN scalar must read 0 after zero()");
      NDArray inf = m.create(Float.POSITIVE_INFINITY);
      Params.zero(inf);
      assertEquals(0f, inf.getFloat());
    }
  }

  @Test
  void zeroClearsNaNInAMatrix() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {Float.NaN, 1f, Float.NEGATIVE_INFINITY, -2f},
          new Shape(2, 2));
      Params.zero(a);
      float[] got = a.toFloatArray();
      assertArrayEquals(new float[4], got, "after zero(): " + Arrays.toString(got));
      assertEquals(new Shape(2, 2), a.getShape());
    }
  }

  @Test
  void assignOverwritesANaNScalar() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray scalar = m.create(Float.NaN);
      Params.assign(scalar, new float[] {0.25f});
      assertEquals(0.25f, scalar.getFloat(), "assign() onto a NaN scalar");
      assertEquals(new Shape(), scalar.getShape());
    }
  }
}
