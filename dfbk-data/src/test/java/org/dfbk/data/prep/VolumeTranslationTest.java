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
      plan.accept(k, plan.modelInput(k));
    }
    Volume out = plan.result();
    assertTrue(out.sameGrid(ct, 0), "result is not on the source grid");
    float[] expected = ct.data().clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Math.max(-1024, Math.min(3000, expected[i]));
    }
    Tolerance.assertClose(expected, out.data(), 0, 4024 * 1e-6, "identity translation in HU");
  }

  @Test
  void resultRefusesMissingSlices() {
    Volume t1 = SUBJECT.image("T1");
    VolumeTranslation plan = VolumeTranslation.plan(Path.of("t1.nii.gz"), t1, ModalityKind.MR,
        new Normalization(ModalityKind.MR, 0, 500), 1, 32, SquareMode.CROP);
    assertEquals(48, plan.sliceCount());
    plan.accept(0, new float[32 * 32]);
    IllegalStateException e = assertThrows(IllegalStateException.class, plan::result);
    assertTrue(e.getMessage().startsWith("47 slice(s)"), e.getMessage());
  }
}
