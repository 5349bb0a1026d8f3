package org.dfbk.train.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.transform.NormalizationMethod;
import org.dfbk.data.volume.Volume;
import org.junit.jupiter.api.Test;

class VolumeTranslatorTest {
  private static Volume randomVolume(int nx, int ny, int nz, long seed) {
    Random r = new Random(seed);
    float[] d = new float[nx * ny * nz];
    for (int z = 1; z < nz - 1; z++) { // first and last slices empty
      for (int i = 0; i < nx * ny; i++) {
        d[z * nx * ny + i] = 100 + 900 * r.nextFloat();
      }
    }
    double[][] a = {{-1.5, 0, 0, 10}, {0, 1.5, 0, -20}, {0, 0, 3, 5}, {0, 0, 0, 1}};
    return new Volume(nx, ny, nz, d, new double[] {1.5, 1.5, 3}, a);
  }

  /** A model that returns its inputs and records the size of every call. */
  private static VolumeTranslator.SliceModel identity(List<Integer> calls) {
    return slices -> {
      calls.add(slices.size());
      return new SliceTranslator.Output(slices, null);
    };
  }

  @Test
  void reportsTheMillimetresPerModelPixelOfItsCrops() {
    // 16 x 16 slices of 1.5 mm, one 16-pixel box each, resized to 8: 1.5 x 16 / 8 = 3 mm
    VolumeTranslator.Result r = VolumeTranslator.translate(randomVolume(16, 16, 6, 1),
        Path.of("src.nii"), ModalityKind.MR, ModalityKind.MR, 2, 8, identity(new ArrayList<>()));
    assertEquals(3.0, r.modelPixelMm(), 1e-12, "mm per model pixel");
  }

  @Test
  void identityModelReturnsSourceClippedAtItsPercentileOnTheSameGrid() {
    Volume src = randomVolume(16, 16, 6, 1);
    List<Integer> calls = new ArrayList<>();
    VolumeTranslator.Result r = VolumeTranslator.translate(src, Path.of("src.nii"), ModalityKind.MR,
        ModalityKind.MR, 2, 16, identity(calls));
    assertEquals(List.of(4), calls,
        "only the 4 slices with foreground are translated, in one call");
    assertEquals(4, r.translatedSlices());
    assertNull(r.std());
    assertEquals(true, r.prediction().sameGrid(src, 0));
    double p = Normalization.fit(ModalityKind.MR, src, Path.of("src.nii")).high();
    double maxDiff = 0;
    for (int i = 0; i < src.data().length; i++) {
      double expected = Math.min(src.data()[i], p);
      maxDiff = Math.max(maxDiff, Math.abs(expected - r.prediction().data()[i]));
    }
    assertEquals(0, maxDiff, 1e-3 * p, "max |diff| " + maxDiff);
  }

  @Test
  void everyNormalisationIsInvertedOnTheWayOut() {
    // an identity model gives back the source, clipped at the method's own upper bound (the
    // 99.5th percentile, z-score's mu + 3 sigma; tissue's mode / level is the same kind of bound,
    // but uniform noise has no white-matter peak): the inverse undoes the forward map, and the
    // same slices are translated for every method
    Volume src = randomVolume(16, 16, 6, 1);
    for (NormalizationMethod method : new NormalizationMethod[] {NormalizationMethod.ZSCORE,
        NormalizationMethod.PERCENTILE}) {
      List<Integer> calls = new ArrayList<>();
      VolumeTranslator.Result r = VolumeTranslator.translate(src, Path.of("src.nii"),
          ModalityKind.MR, ModalityKind.MR, 2, 16, identity(calls), method, "T1");
      assertEquals(List.of(4), calls, method + ": the 4 slices with foreground");
      double u = method.fit(ModalityKind.MR, src, null, "T1").high();
      double maxDiff = 0;
      for (int i = 0; i < src.data().length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(Math.min(src.data()[i], u)
            - r.prediction().data()[i]));
      }
      // float32 forward and inverse around values up to u: a few ulps of u
      assertEquals(0, maxDiff, 1e-5 * u, method + ": max |diff| " + maxDiff + ", u " + u);
    }
  }

  @Test
  void stdMapIsScaledToTargetUnits() {
    Volume src = randomVolume(8, 8, 3, 2);
    VolumeTranslator.Result r = VolumeTranslator.translate(src, Path.of("ct.nii"), ModalityKind.MR,
        ModalityKind.CT, 2, 8, slices -> {
          List<float[]> std = new ArrayList<>();
          for (float[] s : slices) {
            float[] c = new float[s.length];
            java.util.Arrays.fill(c, 0.5f);
            std.add(c);
          }
          return new SliceTranslator.Output(slices, std);
        });
    // 0.5 model units of a [-1024, 3000] window = 0.5 * 4024 / 2 HU.
    assertEquals(1006.0, r.std().get(3, 3, 1), 1e-3);
    assertEquals(0.0, r.std().get(3, 3, 0), 0, "empty slice has no uncertainty");
    assertEquals(-1024.0, r.prediction().get(3, 3, 0), 0, "CT background");
  }

  @Test
  void nonSquareSlicesAreTranslatedWholeThroughOverlappingCrops() {
    Volume src = randomVolume(16, 26, 4, 3); // 26 x 16 slices: two 16 x 16 crops each
    List<Integer> calls = new ArrayList<>();
    VolumeTranslator.Result r = VolumeTranslator.translate(src, Path.of("src.nii"), ModalityKind.MR,
        ModalityKind.MR, 2, 16, identity(calls));
    assertEquals(List.of(4), calls, "2 slices with foreground x 2 crops");
    double p = Normalization.fit(ModalityKind.MR, src, Path.of("src.nii")).high();
    double maxDiff = 0;
    for (int i = 0; i < src.data().length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(Math.min(src.data()[i], p) - r.prediction().data()[i]));
    }
    assertEquals(0, maxDiff, 1e-3 * p, "max |diff| " + maxDiff + " (borders dropped?)");
  }

  @Test
  void aSingleSliceIsTranslatedOnce() {
    Volume src = randomVolume(12, 12, 3, 4);
    float[] middle = java.util.Arrays.copyOfRange(src.data(), 144, 288);
    Volume slice = new Volume(12, 12, 1, middle, new double[] {1.5, 1.5, 3}, src.affine());
    List<Integer> calls = new ArrayList<>();
    VolumeTranslator.Result r = VolumeTranslator.translate(slice, Path.of("s.nii"),
        ModalityKind.MR, ModalityKind.MR, 2, 12, identity(calls));
    assertEquals(List.of(1), calls);
    assertEquals(1, r.translatedSlices());
    assertEquals(144, r.prediction().data().length);
  }

  @Test
  void slicesAreAxialInTheCanonicalOrientationAndTheResultKeepsTheStoredOrder() {
    // stored "PSR" (sagittal acquisition, 6 x 4 x 5): canonical RAS is 5 x 6 x 4, so 4 axial
    // slices of 6 x 5 pixels, two crops each (stored axis 2 would have given 5 slices)
    double[][] psr = {{0, 0, 1, -50}, {-1, 0, 0, 60}, {0, 1, 0, -40}, {0, 0, 0, 1}};
    Random rnd = new Random(5);
    float[] d = new float[6 * 4 * 5];
    for (int i = 0; i < d.length; i++) {
      d[i] = 100 + 900 * rnd.nextFloat();
    }
    Volume src = new Volume(6, 4, 5, d, new double[] {1, 1, 1}, psr);
    List<Integer> calls = new ArrayList<>();
    VolumeTranslator.Result r = VolumeTranslator.translate(src, Path.of("psr.nii"),
        ModalityKind.MR, ModalityKind.MR, 2, 5, identity(calls));
    assertEquals(List.of(8), calls, "4 axial slices x 2 crops");
    assertEquals(true, r.prediction().sameGrid(src, 0));
    double p = Normalization.fit(ModalityKind.MR, src, Path.of("psr.nii")).high();
    double maxDiff = 0;
    for (int i = 0; i < d.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(Math.min(d[i], p) - r.prediction().data()[i]));
    }
    assertEquals(0, maxDiff, 1e-3 * p, "max |diff| " + maxDiff + " (voxel order restored?)");
  }

  @Test
  void aFlippedAxialSliceIsTranslatedInTheCanonicalOrderAndWrittenBackAsStored() {
    // an LPS-stored slice: x and y run the other way; the model must see the RAS order
    double[][] lps = {{-1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    float[] d = new float[6 * 6];
    for (int i = 0; i < d.length; i++) {
      d[i] = 100 + i;
    }
    Volume slice = new Volume(6, 6, 1, d, new double[] {1, 1, 1}, lps);
    List<float[]> seen = new ArrayList<>();
    VolumeTranslator.Result r = VolumeTranslator.translate(slice, Path.of("lps.nii"),
        ModalityKind.MR, ModalityKind.MR, 2, 6, in -> {
          seen.addAll(in);
          return new SliceTranslator.Output(in, null);
        });
    float[] model = seen.get(0);
    assertEquals(true, model[0] > model[35], "first model pixel is the stored last (100 + 35)");
    float[] twice = new float[2 * d.length]; // the translator normalises a 2-slice stack
    System.arraycopy(d, 0, twice, 0, d.length);
    System.arraycopy(d, 0, twice, d.length, d.length);
    double p = Normalization.fit(ModalityKind.MR,
        new Volume(6, 6, 2, twice, new double[] {1, 1, 1}, lps), Path.of("lps.nii")).high();
    for (int i = 0; i < d.length; i++) {
      assertEquals(Math.min(d[i], p), r.prediction().data()[i], 1e-3 * p, "pixel " + i);
    }
  }
}
