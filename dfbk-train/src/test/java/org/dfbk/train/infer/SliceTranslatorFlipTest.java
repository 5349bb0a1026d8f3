package org.dfbk.train.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.loop.TrainingModel;
import org.junit.jupiter.api.Test;

/** {@code translate --tta flip}: the mean over the plain and the mirrored pass. */
class SliceTranslatorFlipTest {
  private static final int S = 8;

  /**
   * An analytic x̂_0 that is not mirror-equivariant: 0.6 · y_0 shifted one pixel to the right
   * (zero at the left edge) + 0.3 · tanh(x_t scaled).
   */
  private static final TrainingModel SHIFTING = new TrainingModel() {
    @Override
    public Block block() {
      throw new UnsupportedOperationException("analytic model: no parameters");
    }

    @Override
    public Device device() {
      return Device.cpu();
    }

    @Override
    public NDArray predictX0(ParameterStore store, NDArray scaledXt, NDArray y0, NDArray t,
        NDList context, boolean training) {
      NDArray left = y0.getManager().zeros(new ai.djl.ndarray.types.Shape(
          y0.getShape().get(0), 1, S, 1));
      NDArray shifted = left.concat(y0.get(":, :, :, :" + (S - 1)), 3);
      return shifted.mul(0.6f).add(scaledXt.tanh().mul(0.3f));
    }
  };

  private static List<float[]> slices(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] s = new float[S * S];
      for (int k = 0; k < s.length; k++) {
        s[k] = (float) (2 * r.nextDouble() - 1);
      }
      out.add(s);
    }
    return out;
  }

  private static List<float[]> mirrored(List<float[]> in) {
    List<float[]> out = new ArrayList<>();
    for (float[] s : in) {
      out.add(SliceTranslator.mirror(s, S));
    }
    return out;
  }

  private static SliceTranslator translator(int samples, boolean flip) {
    return new SliceTranslator(SHIFTING, new ResShiftSampler(ResShiftSchedule.paperDefault()),
        null, 2, samples, flip);
  }

  @Test
  void flipMakesTheTranslationMirrorEquivariant() {
    List<float[]> y = slices(3, 3);
    for (int k : new int[] {1, 3}) {
      SliceTranslator.Output a = translator(k, true).translate(y, S, 7, null);
      SliceTranslator.Output b = translator(k, true).translate(mirrored(y), S, 7, null);
      for (int i = 0; i < y.size(); i++) {
        // bitwise: the two calls compute the same two passes with their roles swapped, and the
        // pooled mean and std are symmetric in the passes
        assertArrayEquals(SliceTranslator.mirror(a.mean().get(i), S), b.mean().get(i),
            "K " + k + " slice " + i + " mean");
        if (k > 1) {
          assertArrayEquals(SliceTranslator.mirror(a.std().get(i), S), b.std().get(i),
              "K " + k + " slice " + i + " std");
        }
      }
      SliceTranslator.Output p = translator(k, false).translate(y, S, 7, null);
      SliceTranslator.Output q = translator(k, false).translate(mirrored(y), S, 7, null);
      assertFalse(java.util.Arrays.equals(SliceTranslator.mirror(p.mean().get(0), S),
          q.mean().get(0)), "without the flip the shifting model is not equivariant");
    }
  }

  @Test
  void flipIsTheMeanOfThePlainAndTheMirroredPass() {
    List<float[]> y = slices(5, 2);
    SliceTranslator.Output plain = translator(1, false).translate(y, S, 11, null);
    SliceTranslator.Output mirror = translator(1, false).translate(mirrored(y), S, 11, null);
    SliceTranslator.Output tta = translator(1, true).translate(y, S, 11, null);
    for (int i = 0; i < y.size(); i++) {
      float[] back = SliceTranslator.mirror(mirror.mean().get(i), S);
      for (int p = 0; p < S * S; p++) {
        // one float rounding of the mean of two floats
        Tolerance.assertClose((plain.mean().get(i)[p] + (double) back[p]) / 2,
            tta.mean().get(i)[p], 1e-7, "slice " + i + " pixel " + p);
      }
    }
  }

  @Test
  void pooledStdOfTwoGroups() {
    // group a: samples {1, 3} (mean 2, std 1); group b: {5, 7} (mean 6, std 1);
    // all four: mean 4, population variance (9 + 1 + 1 + 9) / 4 = 5
    float[][] r = SliceTranslator.pooled(new float[][] {{2f}, {1f}},
        new float[][] {{6f}, {1f}});
    Tolerance.assertClose(4, r[0][0], 0, "mean");
    Tolerance.assertClose(Math.sqrt(5), r[1][0], 1e-7, "std");
  }
}
