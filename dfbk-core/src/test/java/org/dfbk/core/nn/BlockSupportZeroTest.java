package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Arrays;
import org.dfbk.fixtures.Params;
import org.junit.jupiter.api.Test;

/**
 * The DFB/KG output projection is zeroed by assignment, so a NaN or infinite value left in it
 * (a re-initialised block, a damaged initializer) cannot survive as it would x · 0 or x − x.
 * Exact equality: the result is an assignment of 0, no arithmetic.
 */
class BlockSupportZeroTest {
  @Test
  void zeroParametersClearsNaNAndInfinity() {
    try (NDManager m = NDManager.newBaseManager()) {
      Conv2d proj = BlockSupport.pointwise(3);
      proj.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 4));
      for (Parameter p : proj.getParameters().values()) {
        NDArray a = p.getArray();
        float[] bad = new float[(int) a.size()];
        Arrays.fill(bad, 0.5f);
        bad[0] = Float.NaN;
        bad[bad.length - 1] = Float.NEGATIVE_INFINITY;
        Params.assign(a, bad);
      }
      BlockSupport.zeroParameters(proj);
      for (Parameter p : proj.getParameters().values()) {
        float[] got = p.getArray().toFloatArray();
        assertArrayEquals(new float[got.length], got, p.getName() + ": " + Arrays.toString(got));
      }
      assertEquals(new Shape(3, 3, 1, 1), proj.getParameters().get("weight").getArray().getShape(),
          "shape kept");
    }
  }
}
