package org.dfbk.data.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.phantom.PhantomSubject;
import org.dfbk.data.volume.Volume;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class VolumeTranslationTest {
  private static final PhantomSubject SUBJECT =
      PhantomGenerator.builder().optSize(40, 48, 20).optSeed(6).build().generate(0);

  /** A "model" that returns its input reproduces the source volume, clamped to the window. */
  @Test
  void identityPredictionsGiveBackTheClampedVolumeOnTheSourceGrid() {
    Volume ct = SUBJECT.image("CT");
    Normalization window = Normalization.fit(ModalityKind.CT, ct, null);
    // 48 x 40 slices padded to 48 x 48, model size 48: no resize, exact up to float rounding
    VolumeTranslation plan = VolumeTranslation.plan(Path.of("ct.nii.gz"), ct, ModalityKind.CT,
        window, 2, 48, SquareMode.PAD);
    assertEquals(20, plan.sliceCount());
    for (int k = 0; k < plan.sliceCount(); k++) {
      plan.accept(k, plan.modelInputs(k));
    }
    Volume out = plan.result();
    assertTrue(out.sameGrid(ct, 0), "result is not on the source grid");
    float[] expected = ct.data().clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.max(-1024, Math.min(3000, expected[i]));
    }
    Tolerance.assertClose(expected, out.data(), 0, 4024 * 1e-6, "identity translation in HU");
  }

  /**
   * Non-square slices in CROP mode are covered by overlapping crops at the training scale: an
   * identity "model" gives back every pixel, borders included (a single centre crop dropped them).
   */
  @Test
  void cropModeTranslatesTheWholeNonSquareSlice() {
    Volume ct = SUBJECT.image("CT");
    Normalization window = Normalization.fit(ModalityKind.CT, ct, null);
    // 48 x 40 slices, model size 40: two 40 x 40 crops (rows 0-39 and 8-47), no resize
    VolumeTranslation plan = VolumeTranslation.plan(Path.of("ct.nii.gz"), ct, ModalityKind.CT,
        window, 2, 40, SquareMode.CROP);
    assertEquals(2, plan.transforms(0).size());
    for (int k = 0; k < plan.sliceCount(); k++) {
      plan.accept(k, plan.modelInputs(k));
    }
    float[] expected = ct.data().clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.max(-1024, Math.min(3000, expected[i]));
    }
    Tolerance.assertClose(expected, plan.result().data(), 0, 4024 * 1e-6,
        "identity translation of 48 x 40 slices through two crops");
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
    VolumeTranslation plan = VolumeTranslation.plan(Path.of("t1.nii.gz"), t1, ModalityKind.MR,
        new Normalization(ModalityKind.MR, 0, 500), 1, 32, SquareMode.CROP);
    assertEquals(48, plan.sliceCount());
    plan.accept(0, java.util.Collections.nCopies(plan.modelInputs(0).size(), new float[32 * 32]));
    IllegalStateException e = assertThrows(IllegalStateException.class, plan::result);
    assertTrue(e.getMessage().startsWith("47 slice(s)"), e.getMessage());
  }
}
