package org.dfbk.data.transform;

import static org.dfbk.data.transform.NormalizationTest.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class SliceTransformTest {
  private static final Normalization MR = new Normalization(ModalityKind.MR, 0, 1000);

  private static float[] randomSlice(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = (float) (1000 * r.nextDouble());
    }
    return s;
  }

  @Test
  void centreCropBoxOfARectangularSlice() {
    SliceTransform t = SliceTransform.of(2, 5, 218, 182, SquareMode.CROP, 192, MR, MR);
    assertEquals(18, t.boxRow());
    assertEquals(0, t.boxCol());
    assertEquals(182, t.boxSide());
    SliceTransform p = SliceTransform.of(2, 5, 218, 182, SquareMode.PAD, 192, MR, MR);
    assertEquals(0, p.boxRow());
    assertEquals(-18, p.boxCol());
    assertEquals(218, p.boxSide());
  }

  @Test
  void cropWithoutResizeInvertsExactlyInsideTheBox() {
    float[] slice = randomSlice(12 * 8, 1);
    SliceTransform t = SliceTransform.of(2, 0, 12, 8, SquareMode.CROP, 8, MR, MR);
    float[] back = t.toSource(t.toModel(slice, MR), MR);
    for (int r = 0; r < 12; r++) {
      float[] row = Arrays.copyOfRange(back, r * 8, r * 8 + 8);
      float[] expected = r >= 2 && r < 10 ? Arrays.copyOfRange(slice, r * 8, r * 8 + 8)
          : new float[8];
      Tolerance.assertClose(expected, row, 1e-6, 1e-4, "row " + r + " after crop round trip");
    }
  }

  @Test
  void padWithoutResizeInvertsExactlyAndPadsWithMinusOne() {
    float[] slice = randomSlice(6 * 10, 2);
    SliceTransform t = SliceTransform.of(2, 0, 6, 10, SquareMode.PAD, 10, MR, MR);
    float[] model = t.toModel(slice, MR);
    for (int c = 0; c < 10; c++) {
      Tolerance.assertClose(-1, model[c], 0, "padded top row, column " + c);
    }
    Tolerance.assertClose(slice, t.toSource(model, MR), 1e-6, 1e-4, "pad round trip");
  }

  @Test
  void resizedSmoothImageMapsBackClosely() {
    // a linear ramp is reproduced by bilinear interpolation away from the clamped border
    int h = 40;
    float[] slice = new float[h * h];
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < h; c++) {
        slice[r * h + c] = 100 + 10 * c + 5 * r;
      }
    }
    SliceTransform t = SliceTransform.of(2, 0, h, h, SquareMode.CROP, 64, MR, MR);
    float[] back = t.toSource(t.toModel(slice, MR), MR);
    for (int r = 2; r < h - 2; r++) {
      Tolerance.assertClose(Arrays.copyOfRange(slice, r * h + 2, r * h + h - 2),
          Arrays.copyOfRange(back, r * h + 2, r * h + h - 2), 0, 1e-2, "ramp row " + r);
    }
  }

  @Test
  void sliceInsertIsTheInverseOfExtractOnEveryAxis() {
    float[] d = randomSlice(4 * 5 * 6, 3);
    Volume v = volume(4, 5, 6, d);
    for (int axis = 0; axis < 3; axis++) {
      Volume copy = v.withData(new float[d.length]);
      for (int i = 0; i < v.shape()[axis]; i++) {
        Slicing.insert(copy, axis, i, Slicing.extract(v, axis, i));
      }
      Tolerance.assertClose(d, copy.data(), 0, 0, "extract/insert along axis " + axis);
    }
    // axis 2 slice: row y, column x
    assertEquals(v.get(3, 1, 2), Slicing.extract(v, 2, 2)[1 * 4 + 3]);
    // axis 0 slice: row z, column y
    assertEquals(v.get(2, 4, 5), Slicing.extract(v, 0, 2)[5 * 5 + 4]);
  }
}
