package org.dfbk.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.SharedData;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HaarTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(11);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void dwtEqualsPywtDwt2HaarPeriodization() {
    Path ref = SharedData.require("reference/haar-pywt.json");
    JsonObject json = Golden.file(ref);
    long[] shape = Golden.shape(json.get("input"));
    NDArray x = manager.create(Golden.flatten(json.get("input")),
        new Shape(1, 1, shape[0], shape[1]));
    NDList bands = Haar.dwt(x);
    JsonObject py = json.getAsJsonObject("pywt_dwt2_haar_periodization");
    String[] names = {"cA", "cH", "cV", "cD"};
    String[] ours = {"LL", "LH", "HL", "HH"};
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(new long[] {1, 1, shape[0] / 2, shape[1] / 2},
          bands.get(i).getShape().getShape(), ours[i] + " shape");
      Tolerance.assertClose(Golden.flatten(py.get(names[i])), bands.get(i).toDoubleArray(), 0,
          1e-6, ours[i] + " vs pywt " + names[i]);
    }
  }

  @Test
  void arrayDwtEqualsPywtDwt2HaarPeriodization() {
    Path ref = SharedData.require("reference/haar-pywt.json");
    JsonObject json = Golden.file(ref);
    long[] shape = Golden.shape(json.get("input"));
    double[][] bands = Haar.dwt(Golden.flatten(json.get("input")), (int) shape[0],
        (int) shape[1]);
    JsonObject py = json.getAsJsonObject("pywt_dwt2_haar_periodization");
    String[] names = {"cA", "cH", "cV", "cD"};
    for (int i = 0; i < 4; i++) {
      // a sum of four terms of 4-digit inputs halved: within a few ulps of the float64 pywt value
      Tolerance.assertClose(Golden.flatten(py.get(names[i])), bands[i], 0, 1e-14,
          "array DWT band " + i + " vs pywt " + names[i]);
    }
  }

  @Test
  void arrayDwtEqualsEngineDwt() {
    NDArray x = manager.randomNormal(0f, 1f, new Shape(1, 1, 6, 10), DataType.FLOAT64);
    NDList engine = Haar.dwt(x);
    double[][] ours = Haar.dwt(x.toDoubleArray(), 6, 10);
    for (int i = 0; i < 4; i++) {
      Tolerance.assertClose(engine.get(i).toDoubleArray(), ours[i], 0, 1e-14,
          "band " + i + ": array DWT vs engine DWT");
    }
  }

  @Test
  void arrayDwtRejectsOddSizesWithTheSize() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Haar.dwt(new double[15], 3, 5));
    assertTrue(e.getMessage().contains("H=3 W=5"), e.getMessage());
  }

  @Test
  void iwtOfDwtIsIdentityInFloat32() {
    NDArray x = manager.randomNormal(0f, 1f, new Shape(2, 3, 6, 10), DataType.FLOAT32);
    NDList split = Haar.dwtHighConcat(x);
    NDArray back = Haar.iwt(split.get(0), split.get(1));
    Tolerance.assertClose(x.toFloatArray(), back.toFloatArray(), 0, 1e-6, "IWT(DWT(x))");
  }

  @Test
  void iwtOfDwtIsIdentityInFloat64FromSeparateBands() {
    NDArray x = manager.randomNormal(0f, 1f, new Shape(1, 2, 4, 8), DataType.FLOAT64);
    NDList b = Haar.dwt(x);
    NDArray back = Haar.iwt(b.get(0), b.get(1), b.get(2), b.get(3));
    Tolerance.assertClose(x.toDoubleArray(), back.toDoubleArray(), 0, 1e-14, "IWT(DWT(x)) f64");
  }

  @Test
  void transformPreservesEnergy() {
    NDArray x = manager.randomNormal(0f, 1f, new Shape(2, 2, 8, 4), DataType.FLOAT64);
    NDList b = Haar.dwt(x);
    double energy = 0;
    for (NDArray band : b) {
      energy += band.square().sum().getDouble();
    }
    Tolerance.assertClose(x.square().sum().getDouble(), energy, 1e-10, "sum of squares");
  }

  @Test
  void highConcatOrderIsLhHlHhAlongChannels() {
    NDArray x = manager.randomNormal(0f, 1f, new Shape(2, 3, 4, 4), DataType.FLOAT32);
    NDList b = Haar.dwt(x);
    NDList cat = Haar.dwtHighConcat(x);
    assertArrayEquals(new long[] {2, 9, 2, 2}, cat.get(1).getShape().getShape());
    NDList parts = cat.get(1).split(3, 1);
    // exact by construction: both run the same analysis on the same array, then only move data
    Tolerance.assertClose(b.get(1).toFloatArray(), parts.get(0).toFloatArray(), 0, 0, "LH");
    Tolerance.assertClose(b.get(2).toFloatArray(), parts.get(1).toFloatArray(), 0, 0, "HL");
    Tolerance.assertClose(b.get(3).toFloatArray(), parts.get(2).toFloatArray(), 0, 0, "HH");
    Tolerance.assertClose(b.get(0).toFloatArray(), cat.get(0).toFloatArray(), 0, 0, "LL");
  }

  @Test
  void handValueOfOneTwoByTwoBlock() {
    // [[1, 2], [3, 4]]: LL = 5, LH = (1+2-3-4)/2 = -2, HL = (1-2+3-4)/2 = -1, HH = 0
    NDArray x = manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
    NDList b = Haar.dwt(x);
    float[] expected = {5, -2, -1, 0};
    for (int i = 0; i < 4; i++) {
      Tolerance.assertClose(expected[i], b.get(i).getFloat(0, 0, 0, 0), 1e-6, "band " + i);
    }
  }

  @Test
  void oddSizesAreRejectedNamingTheSize() {
    NDArray oddH = manager.zeros(new Shape(1, 1, 5, 4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Haar.dwt(oddH));
    assertTrue(e.getMessage().contains("H=5"), e.getMessage());
    NDArray oddW = manager.zeros(new Shape(1, 1, 4, 7));
    e = assertThrows(IllegalArgumentException.class, () -> Haar.dwt(oddW));
    assertTrue(e.getMessage().contains("W=7"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Haar.iwt(manager.zeros(new Shape(1, 2, 2, 2)), manager.zeros(new Shape(1, 3, 2, 2))));
  }

  @Test
  void backwardIsTheInverseTransformEvenAfterGarbageCollection() {
    // DWT is orthonormal: d sum(w · DWT(x)) / dx = IWT(w). The backward pass runs after the
    // forward's temporaries were closed and the JVM collected and reused freed buffers.
    Shape shape = new Shape(2, 3, 4, 6);
    NDArray x = manager.randomNormal(0f, 1f, shape, DataType.FLOAT64);
    NDArray w = manager.randomNormal(0f, 1f, new Shape(2, 12, 2, 3), DataType.FLOAT64);
    double[] grad;
    try (ai.djl.training.GradientCollector gc =
        ai.djl.engine.Engine.getInstance().newGradientCollector()) {
      x.setRequiresGradient(true);
      NDList bands = Haar.dwtHighConcat(x);
      NDArray all = ai.djl.ndarray.NDArrays.concat(bands, 1); // (N, 4C, h, w)
      NDArray loss = all.mul(w).sum();
      for (int i = 0; i < 3; i++) {
        System.gc();
        for (int k = 0; k < 200; k++) {
          java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocateDirect(16 * 3 * 8);
          while (junk.hasRemaining()) {
            junk.put((byte) 0x5a);
          }
        }
      }
      gc.backward(loss);
      grad = x.getGradient().toDoubleArray();
    }
    NDList parts = w.split(new long[] {3}, 1);
    NDArray expected = Haar.iwt(parts.get(0), parts.get(1));
    Tolerance.assertClose(expected.toDoubleArray(), grad, 0, 1e-12, "d loss / dx = IWT(w)");
  }
}
