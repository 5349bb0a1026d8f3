package org.dfbk.data.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.phantom.PhantomSubject;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class VolumeTilingTest {
  private static final PhantomSubject SUBJECT =
      PhantomGenerator.builder().optSize(40, 48, 20).optSeed(6).build().generate(0);

  /** The CT volume clamped to the [−1024, 3000] HU window: what an identity model gives back. */
  private static float[] clampedToWindow(Volume ct) {
    float[] expected = ct.data().clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.max(-1024, Math.min(3000, expected[i]));
    }
    return expected;
  }

  /** A "model" that returns its input reproduces the source volume, clamped to the window. */
  @Test
  void identityPredictionsGiveBackTheClampedVolumeOnTheSourceGrid() {
    Volume ct = SUBJECT.image("CT");
    Normalization window = Normalization.fit(ModalityKind.CT, ct, null);
    // 48 x 40 slices padded to 48 x 48, model size 48: no resize, exact up to float rounding
    VolumeTiling plan = VolumeTiling.plan(Path.of("ct.nii.gz"), ct, ModalityKind.CT,
        window, 2, 48, SquareMode.PAD);
    assertEquals(20, plan.sliceCount());
    for (int k = 0; k < plan.sliceCount(); k++) {
      plan.accept(k, plan.modelInputs(k));
    }
    Volume out = plan.result();
    assertTrue(out.sameGrid(ct, 0), "result is not on the source grid");
    Tolerance.assertClose(clampedToWindow(ct), out.data(), 0, 4024 * 1e-6,
        "identity translation in HU");
  }

  /**
   * Non-square slices in CROP mode are covered at the training scale by crops over the range that
   * holds anatomy: an identity "model" gives back every foreground pixel (a single centre crop
   * dropped the borders), and what lies outside that range is written as background.
   */
  @Test
  void cropModeTranslatesAllOfTheAnatomyOfNonSquareSlices() {
    int nx = 40;
    int ny = 48; // axial slices 48 x 40: long side 48 (rows), crops of 40
    float[] d = new float[nx * ny * 3];
    java.util.Arrays.fill(d, -1000f);
    for (int y = 0; y < ny; y++) {
      for (int x = 0; x < nx; x++) {
        d[x + nx * y] = 40 + x + y; // slice 0: tissue everywhere, up to the borders
        if (y >= 20 && y < 28) {
          d[x + nx * (y + ny)] = 300; // slice 1: a band in the middle
        }
      }
    }
    Volume ct = new Volume(nx, ny, 3, d, new double[] {1, 1, 1}, new double[][] {
        {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    Normalization window = Normalization.fit(ModalityKind.CT, ct, null);
    VolumeTiling plan = VolumeTiling.plan(Path.of("ct.nii.gz"), ct, ModalityKind.CT,
        window, 2, 40, SquareMode.CROP);
    assertEquals(2, plan.transforms(0).size(), "tissue along all 48 rows: two crops");
    assertEquals(1, plan.transforms(1).size(), "an 8-row band: one crop around it");
    for (int k = 0; k < plan.sliceCount(); k++) {
      plan.accept(k, plan.modelInputs(k));
    }
    float[] out = plan.result().data();
    for (int i = 0; i < d.length; i++) {
      // foreground (above -500 HU) comes back; the rest is air, -1000 or background -1024
      float expected = d[i] > -500 ? d[i] : (out[i] == -1024f ? -1024f : -1000f);
      assertEquals(expected, out[i], 4024 * 1e-6, "voxel " + i);
    }
  }

  @Test
  void foregroundRangeIsTheAnatomyAlongTheLongSideWithAMargin() {
    Normalization n = new Normalization(ModalityKind.MR, 0, 100);
    float[] slice = new float[60 * 30]; // 60 rows x 30 columns
    for (int c = 0; c < 30; c++) {
      slice[25 * 30 + c] = 80;
      slice[31 * 30 + c] = 80;
    }
    int[] r = VolumeTiling.foregroundRange(slice, 60, 30, n);
    assertArrayEquals(new int[] {23, 34}, r, java.util.Arrays.toString(r)); // margin max(2, 30/32)
    assertArrayEquals(new int[] {0, 0}, VolumeTiling.foregroundRange(new float[60 * 30], 60,
        30, n));
    SliceTransform[] one = SliceTransform.coveringCrops(2, 0, 60, 30, 32, n, n, 23, 34);
    assertEquals(1, one.length);
    assertEquals(13, one[0].boxRow()); // centred on rows 23..33
  }

  @Test
  void coveringCropsSpanTheLongSideAndBlendWithoutGaps() {
    Normalization n = new Normalization(ModalityKind.MR, 0, 1);
    SliceTransform[] t = SliceTransform.coveringCrops(2, 0, 30, 100, 64, n, n);
    assertEquals(4, t.length); // ceil(100 / 30)
    assertEquals(0, t[0].boxCol());
    assertEquals(70, t[3].boxCol());
    for (int c = 0; c < 100; c++) {
      double total = 0;
      for (SliceTransform s : t) {
        total += s.weight(15, c);
      }
      assertTrue(total > 0, "column " + c + " is covered by no crop");
    }
    assertEquals(1, SliceTransform.coveringCrops(2, 0, 50, 50, 64, n, n).length);
  }

  @Test
  void resultRefusesMissingSlices() {
    Volume t1 = SUBJECT.image("T1");
    VolumeTiling plan = VolumeTiling.plan(Path.of("t1.nii.gz"), t1, ModalityKind.MR,
        new Normalization(ModalityKind.MR, 0, 500), 1, 32, SquareMode.CROP);
    assertEquals(48, plan.sliceCount());
    plan.accept(0, java.util.Collections.nCopies(plan.modelInputs(0).size(), new float[32 * 32]));
    IllegalStateException e = assertThrows(IllegalStateException.class, plan::result);
    assertTrue(e.getMessage().startsWith("47 slice(s)"), e.getMessage());
  }
}
