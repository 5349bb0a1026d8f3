package org.dfbk.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsTest {
  private static final JsonObject GOLDEN = Golden.resource(OpsTest.class, "/golden/ops.json");
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray load(JsonObject o, String key, DataType type) {
    NDArray a = manager.create(Golden.flatten(o.get(key)), new Shape(Golden.shape(o.get(key))));
    return a.toType(type, false);
  }

  @Test
  void groupNormMatchesTorchInFloat64() {
    JsonObject g = GOLDEN.getAsJsonObject("group_norm");
    NDArray out = Ops.groupNorm(load(g, "x", DataType.FLOAT64), g.get("groups").getAsInt(),
        load(g, "gamma", DataType.FLOAT64), load(g, "beta", DataType.FLOAT64),
        g.get("eps").getAsFloat());
    assertArrayEquals(Golden.shape(g.get("out")), out.getShape().getShape());
    Tolerance.assertClose(Golden.flatten(g.get("out")), out.toDoubleArray(), 1e-9, 1e-9,
        "group_norm float64 vs torch");
  }

  @Test
  void groupNormMatchesTorchInFloat32() {
    JsonObject g = GOLDEN.getAsJsonObject("group_norm");
    NDArray out = Ops.groupNorm(load(g, "x", DataType.FLOAT32), 3,
        load(g, "gamma", DataType.FLOAT32), load(g, "beta", DataType.FLOAT32), 1e-5f);
    Tolerance.assertClose(Golden.flatten(g.get("out")),
        Tolerance.toDouble(out.toFloatArray()), 1e-4, 1e-5, "group_norm float32 vs torch");
  }

  @Test
  void groupNormHandValueOneGroupWithoutAffine() {
    // x = [1, 3] in one group: mean 2, biased variance 1 -> (-1, 1) / sqrt(1 + eps)
    NDArray x = manager.create(new double[] {1, 3}, new Shape(1, 2, 1));
    NDArray out = Ops.groupNorm(x, 1, null, null, 1e-5f);
    double s = 1 / Math.sqrt(1 + 1e-5);
    Tolerance.assertClose(new double[] {-s, s}, out.toDoubleArray(), 0, 1e-7, "hand group norm");
  }

  @Test
  void groupNormRejectsIndivisibleChannels() {
    NDArray x = manager.zeros(new Shape(1, 6, 2, 2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Ops.groupNorm(x, 4, null, null, 1e-5f));
    assertTrue(e.getMessage().contains("6") && e.getMessage().contains("4"), e.getMessage());
  }

  @Test
  void rollMatchesTorchForPositiveNegativeAndWrappingShifts() {
    JsonObject r = GOLDEN.getAsJsonObject("roll");
    NDArray x = load(r, "x", DataType.FLOAT64);
    for (String shift : r.getAsJsonObject("out").keySet()) {
      NDArray out = Ops.roll(x, Long.parseLong(shift), r.get("axis").getAsInt());
      Tolerance.assertClose(Golden.flatten(r.getAsJsonObject("out").get(shift)),
          out.toDoubleArray(), 0, 0, "roll by " + shift);
    }
  }

  @Test
  void rollHandValueOnLastAxisWithNegativeAxisIndex() {
    NDArray x = manager.create(new float[] {0, 1, 2, 3, 4});
    Tolerance.assertClose(new float[] {3, 4, 0, 1, 2}, Ops.roll(x, 2, -1).toFloatArray(), 0, 0,
        "roll +2");
    Tolerance.assertClose(new float[] {1, 2, 3, 4, 0}, Ops.roll(x, -1, 0).toFloatArray(), 0, 0,
        "roll -1");
  }

  @Test
  void resizeNchwMatchesTorchInterpolate() {
    JsonObject r = GOLDEN.getAsJsonObject("resize");
    NDArray x = load(r, "x", DataType.FLOAT32);
    Tolerance.assertClose(Golden.flatten(r.get("bilinear_8x9")),
        Tolerance.toDouble(Ops.resizeNchw(x, 8, 9, true).toFloatArray()), 1e-5, 1e-6,
        "bilinear up");
    Tolerance.assertClose(Golden.flatten(r.get("nearest_8x9")),
        Tolerance.toDouble(Ops.resizeNchw(x, 8, 9, false).toFloatArray()), 0, 1e-7, "nearest up");
    NDArray down = Ops.resizeNchw(x, 3, 4, true);
    assertArrayEquals(new long[] {1, 2, 3, 4}, down.getShape().getShape());
    Tolerance.assertClose(Golden.flatten(r.get("bilinear_3x4")),
        Tolerance.toDouble(down.toFloatArray()), 1e-5, 1e-6, "bilinear down");
  }

  @Test
  void meanOverSeveralAxesHandValues() {
    // x[i][j][k] = 100 i + 10 j + k, shape (2, 3, 4)
    double[] v = new double[24];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          v[i * 12 + j * 4 + k] = 100 * i + 10 * j + k;
        }
      }
    }
    NDArray x = manager.create(v, new Shape(2, 3, 4));
    NDArray m = Ops.mean(x, new int[] {-1, 1}, false);
    assertArrayEquals(new long[] {2}, m.getShape().getShape());
    Tolerance.assertClose(new double[] {11.5, 111.5}, m.toDoubleArray(), 0, 1e-12, "mean(1,2)");
    NDArray k = Ops.mean(x, new int[] {0, 2}, true);
    assertArrayEquals(new long[] {1, 3, 1}, k.getShape().getShape());
    Tolerance.assertClose(new double[] {51.5, 61.5, 71.5}, k.toDoubleArray(), 0, 1e-12,
        "mean(0,2) keepDims");
    assertThrows(IllegalArgumentException.class, () -> Ops.mean(x, new int[] {1, -2}, false));
  }
}
